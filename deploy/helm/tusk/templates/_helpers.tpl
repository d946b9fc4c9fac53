{{/* Names, labels and the decisions several templates share. */}}

{{- define "tusk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tusk.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "tusk.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "tusk.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "tusk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tusk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tusk.labels" -}}
{{ include "tusk.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "tusk.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The sub-path without a trailing slash: "" or "/tusk". */}}
{{- define "tusk.scriptName" -}}
{{- trimSuffix "/" .Values.scriptName }}
{{- end }}

{{/* This release's Secret: made by the chart (admin.password, store.url) or by external-secrets. */}}
{{- define "tusk.secretName" -}}
{{ include "tusk.fullname" . }}
{{- end }}

{{/* Where the administrator's password comes from: a Secret name, or "" (Tusk makes one). */}}
{{- define "tusk.adminSecret" -}}
{{- if .Values.admin.existingSecret }}
{{- .Values.admin.existingSecret }}
{{- else if or (and .Values.externalSecret.enabled .Values.externalSecret.passwordRemoteRef.key) .Values.admin.password }}
{{- include "tusk.secretName" . }}
{{- end }}
{{- end }}

{{/* Where TUSK_STORE_URL comes from: a Secret name, or "" (SQLite in the volume). */}}
{{- define "tusk.storeSecret" -}}
{{- if .Values.store.existingSecret }}
{{- .Values.store.existingSecret }}
{{- else if or .Values.store.url (and .Values.externalSecret.enabled .Values.externalSecret.storeUrlRemoteRef.key) }}
{{- include "tusk.secretName" . }}
{{- end }}
{{- end }}

{{/* The chart writes a Secret itself only for values given in plain text here. */}}
{{- define "tusk.chartSecret" -}}
{{- if and (not .Values.externalSecret.enabled) (or (and .Values.admin.password (not .Values.admin.existingSecret)) (and .Values.store.url (not .Values.store.existingSecret))) }}true{{ end }}
{{- end }}

{{- define "tusk.serversConfigMap" -}}
{{- .Values.serverDefinitions.existingConfigMap | default (printf "%s-servers" (include "tusk.fullname" .)) }}
{{- end }}

{{/* Refusals that would otherwise surface as a broken pod. */}}
{{- define "tusk.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not (include "tusk.storeSecret" .)) }}
{{- fail "replicaCount > 1 needs the PostgreSQL store: set store.url, store.existingSecret or externalSecret.storeUrlRemoteRef (each replica on its own SQLite store would split users' data)" }}
{{- end }}
{{- if and .Values.externalSecret.enabled (not .Values.externalSecret.secretStoreRef.name) }}
{{- fail "externalSecret.enabled needs externalSecret.secretStoreRef.name" }}
{{- end }}
{{- if and .Values.externalSecret.enabled (not .Values.externalSecret.passwordRemoteRef.key) (not .Values.externalSecret.storeUrlRemoteRef.key) }}
{{- fail "externalSecret.enabled needs passwordRemoteRef.key or storeUrlRemoteRef.key" }}
{{- end }}
{{- if and .Values.externalSecret.enabled (or .Values.admin.password .Values.store.url) }}
{{- fail "with externalSecret.enabled, keep admin.password and store.url empty: external-secrets writes this release's Secret" }}
{{- end }}
{{- if ge (int .Values.shutdownTimeout) (int .Values.terminationGracePeriodSeconds) }}
{{- fail "shutdownTimeout must be shorter than terminationGracePeriodSeconds, or Kubernetes kills Tusk while it drains" }}
{{- end }}
{{- end }}
