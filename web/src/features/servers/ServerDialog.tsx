// Add or edit a server, in pgAdmin's tabs: General, Connection, SSH Tunnel,
// Parameters, Advanced. Required fields are checked in place; a 400 of the server goes
// next to the field it names.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { createServer, updateServer, type Server } from '../../api/servers';
import { Button } from '../../components/Button';
import { CheckboxField, ColorField, SelectField, TextAreaField, TextField, type TextFieldProps } from '../../components/Field';
import { FormDialog } from '../../components/FormDialog';
import { ListField } from '../../components/ListField';
import { SectionTabs } from '../../components/SectionTabs';
import { errorMessage } from '../../lib/format';
import { currentGroups, serverSaved } from '../../state/servers';
import { isAdmin } from '../../state/session';
import { showToast } from '../../state/toasts';
import { StoragePicker } from '../storage/StoragePicker';
import { ParamsEditor } from './ParamsEditor';
import {
  emptyForm,
  fieldsOf,
  formFromServer,
  newServerOf,
  placeServerError,
  tabOf,
  validate,
  type FieldErrors,
  type ServerForm,
  type Tab,
} from './serverForm';

interface ServerDialogProps {
  /** null to add a server. */
  server: Server | null;
  /** The group a new server goes into. */
  groupId: number | null;
  onClose: () => void;
}

const TAB_ORDER: Tab[] = ['general', 'connection', 'ssh', 'parameters', 'advanced'];

type Change = <K extends keyof ServerForm>(key: K, value: ServerForm[K]) => void;

interface PanelProps {
  form: ServerForm;
  errors: FieldErrors;
  set: Change;
}

function initialForm(server: Server | null, groupId: number | null): ServerForm {
  if (server) return formFromServer(server);
  const groups = currentGroups();
  const group = groups.find((g) => g.id === groupId) ?? groups[0];
  return emptyForm(group?.name ?? 'Servers');
}

/** Focuses the first wrong field once its tab is shown. */
function focusField(field: string): void {
  const id = field.startsWith('param:') ? `param-value-${field.slice(6)}` : `server-${field}`;
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}

type TextKey =
  | 'name'
  | 'group'
  | 'sharedUsername'
  | 'host'
  | 'port'
  | 'maintenanceDb'
  | 'username'
  | 'role'
  | 'service'
  | 'password'
  | 'tunnelHost'
  | 'tunnelPort'
  | 'tunnelUsername'
  | 'tunnelKeepalive'
  | 'tunnelPassword';

/** A text field of the form: its id, value, change and error follow from its key. */
function FormText({ panel, field, ...rest }: { panel: PanelProps; field: TextKey } & Omit<TextFieldProps, 'id' | 'value' | 'onValue' | 'error'>): JSX.Element {
  const { form, errors, set } = panel;
  return <TextField id={`server-${field}`} value={form[field]} onValue={(v) => set(field, v)} error={errors[field]} {...rest} />;
}

function GeneralPanel(panel: PanelProps): JSX.Element {
  const { form, set } = panel;
  return (
    <div class="form-grid">
      <FormText panel={panel} field="name" label="Name" required />
      <FormText panel={panel} field="group" label="Server group" required list="server-group-names" hint="Choose a group or type a new name." />
      <datalist id="server-group-names">
        {currentGroups().map((g) => (
          <option key={g.id} value={g.name} />
        ))}
      </datalist>
      <div class="form-pair">
        <ColorField id="server-bgColor" label="Background" value={form.bgColor} fallback="#ffffff" onValue={(v) => set('bgColor', v)} />
        <ColorField id="server-fgColor" label="Foreground" value={form.fgColor} fallback="#000000" onValue={(v) => set('fgColor', v)} />
      </div>
      <TextAreaField id="server-comment" label="Comments" rows={3} value={form.comment} onValue={(v) => set('comment', v)} />
      {isAdmin.value && (
        <>
          <CheckboxField id="server-shared" label="Shared with all users" checked={form.shared} onValue={(v) => set('shared', v)} />
          {form.shared && <FormText panel={panel} field="sharedUsername" label="Shared username" hint="The PostgreSQL user other users connect as." />}
        </>
      )}
    </div>
  );
}

function ConnectionPanel({ creating, ...panel }: PanelProps & { creating: boolean }): JSX.Element {
  const { form, set } = panel;
  return (
    <div class="form-grid">
      <FormText
        panel={panel}
        field="host"
        label="Host name/address"
        placeholder="db.example.com, 10.0.0.5 or /var/run/postgresql"
        hint={[
          form.useSshTunnel ? 'Through the SSH tunnel: the host and port as the SSH server reaches them.' : '',
          creating ? '' : 'Changing where the server is (host, port, service, TLS settings, tunnel) forgets the passwords saved for it.',
        ].filter(Boolean).join(' ') || undefined}
      />
      <div class="form-pair">
        <FormText panel={panel} field="port" label="Port" inputMode="numeric" />
        <FormText panel={panel} field="maintenanceDb" label="Maintenance database" />
      </div>
      <div class="form-pair">
        <FormText panel={panel} field="username" label="Username" />
        <FormText panel={panel} field="role" label="Role" hint="SET ROLE after connecting." />
      </div>
      <FormText panel={panel} field="service" label="Service" hint="A service from pg_service.conf; it may supply the host, port and user." />
      {creating && (
        <div class="password-row">
          <CheckboxField id="server-savePassword" label="Save password" checked={form.savePassword} onValue={(v) => set('savePassword', v)} />
          <FormText panel={panel} field="password" label="Password" type="password" autoComplete="new-password" disabled={!form.savePassword} />
        </div>
      )}
    </div>
  );
}

const AUTH_OPTIONS = [
  { value: '0', label: 'Password' },
  { value: '1', label: 'Identity file (private key)' },
] as const;

/** The accepted host key: shown, and forgotten on save when the owner asks (the next connect asks again). */
function HostKeyRow({ form, set }: PanelProps): JSX.Element {
  if (!form.tunnelHostKey) return <p class="muted tunnel-note">No host key accepted yet: the first connect shows the SSH server's fingerprint to confirm.</p>;
  return (
    <div class="field">
      <label for="server-tunnelHostKey">Accepted host key</label>
      <div class="tunnel-key-row">
        <code id="server-tunnelHostKey" class={form.forgetHostKey ? 'struck' : undefined}>
          {form.tunnelHostKey}
        </code>
        <Button small onClick={() => set('forgetHostKey', !form.forgetHostKey)}>{form.forgetHostKey ? 'Keep' : 'Forget'}</Button>
      </div>
      <p class="field-hint">{form.forgetHostKey ? 'Forgotten on save: the next connect shows the new fingerprint to accept.' : 'Tusk refuses the SSH server if it shows another key.'}</p>
    </div>
  );
}

function SshPanel(panel: PanelProps): JSX.Element {
  const { form, errors, set } = panel;
  const off = !form.useSshTunnel;
  const byKey = form.tunnelAuthentication === 1;
  const secretHint = form.hadTunnelPassword ? 'Saved (encrypted); leave empty to keep it.' : 'Kept encrypted for you; empty: asked when connecting.';
  return (
    <div class="form-grid">
      <CheckboxField id="server-useSshTunnel" label="Use SSH tunneling" checked={form.useSshTunnel} onValue={(v) => set('useSshTunnel', v)} />
      <fieldset class="tunnel-fields" disabled={off}>
        <div class="form-pair">
          <FormText panel={panel} field="tunnelHost" label="Tunnel host" placeholder="bastion.example.com" required={!off} />
          <FormText panel={panel} field="tunnelPort" label="Tunnel port" inputMode="numeric" />
        </div>
        <FormText panel={panel} field="tunnelUsername" label="Username" required={!off} hint="The user Tusk logs in to the SSH server as." />
        <SelectField
          id="server-tunnelAuthentication"
          label="Authentication"
          value={String(form.tunnelAuthentication) as '0' | '1'}
          options={AUTH_OPTIONS}
          onValue={(v) => set('tunnelAuthentication', v === '1' ? 1 : 0)}
        />
        {byKey && (
          <div class={errors.tunnelIdentityFile ? 'field-invalid' : undefined}>
            <StoragePicker mode="open" id="server-tunnelIdentityFile" label="Identity file in your storage" placeholder="keys/id_ed25519" value={form.tunnelIdentityFile} onValue={(v) => set('tunnelIdentityFile', v)} />
            {errors.tunnelIdentityFile && <p class="field-error">{errors.tunnelIdentityFile}</p>}
          </div>
        )}
        <FormText panel={panel} field="tunnelPassword" label={byKey ? 'Key passphrase' : 'Password'} type="password" autoComplete="new-password" hint={secretHint} />
        <FormText panel={panel} field="tunnelKeepalive" label="Keep alive (seconds)" inputMode="numeric" hint="0: none. Keeps an idle tunnel open through firewalls." />
        <HostKeyRow {...panel} />
      </fieldset>
    </div>
  );
}

function AdvancedPanel({ form, set }: PanelProps): JSX.Element {
  return (
    <div class="form-grid">
      <ListField
        id="server-dbRestriction"
        label="Database restriction"
        values={form.dbRestriction}
        onValues={(v) => set('dbRestriction', v)}
        placeholder="Type a database name and press Enter"
        hint="When set, the explorer shows only these databases."
      />
    </div>
  );
}

export function ServerDialog({ server, groupId, onClose }: ServerDialogProps): JSX.Element {
  const creating = server === null;
  const [form, setForm] = useState<ServerForm>(() => initialForm(server, groupId));
  const [tab, setTab] = useState<Tab>('general');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set: Change = (key, value) => {
    setForm((f) => ({ ...f, [key]: value }));
    const stale = (field: string) => field === key || (key === 'params' && field.startsWith('param:'));
    if (Object.keys(errors).some(stale)) {
      setErrors((all) => Object.fromEntries(Object.entries(all).filter(([field]) => !stale(field))));
    }
  };

  const showErrors = (found: FieldErrors) => {
    setErrors(found);
    const first = Object.keys(found).sort((a, b) => TAB_ORDER.indexOf(tabOf(a)) - TAB_ORDER.indexOf(tabOf(b)))[0];
    if (first === undefined) return;
    if (tabOf(first) !== tab && !Object.keys(found).some((f) => tabOf(f) === tab)) setTab(tabOf(first));
    focusField(Object.keys(found).find((f) => tabOf(f) === tab) ?? first);
  };

  const submit = async () => {
    if (busy) return;
    setError(null);
    const invalid = validate(form);
    if (Object.keys(invalid).length > 0) {
      showErrors(invalid);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const groups = currentGroups();
      const saved = server ? await updateServer(server.id, fieldsOf(form, groups)) : await createServer(newServerOf(form, groups));
      serverSaved(saved);
      showToast(creating ? `Server ${saved.name} added.` : `Server ${saved.name} saved.`);
      onClose();
    } catch (err) {
      setBusy(false);
      const placed = placeServerError(err, form);
      if (placed) showErrors(placed);
      else setError(errorMessage(err));
    }
  };

  const invalidOn = (t: Tab) => Object.keys(errors).some((f) => tabOf(f) === t);
  const panel = { form, errors, set };
  const sections = [
    { id: 'general', title: 'General', invalid: invalidOn('general'), content: <GeneralPanel {...panel} /> },
    { id: 'connection', title: 'Connection', invalid: invalidOn('connection'), content: <ConnectionPanel {...panel} creating={creating} /> },
    { id: 'ssh', title: 'SSH Tunnel', invalid: invalidOn('ssh'), content: <SshPanel {...panel} /> },
    {
      id: 'parameters',
      title: 'Parameters',
      invalid: invalidOn('parameters'),
      content: <ParamsEditor rows={form.params} errors={errors} onRows={(rows) => set('params', rows)} />,
    },
    { id: 'advanced', title: 'Advanced', invalid: invalidOn('advanced'), content: <AdvancedPanel {...panel} /> },
  ];

  return (
    <FormDialog title={creating ? 'Add server' : `Edit server ${server.name}`} size="medium" submitLabel="Save" busy={busy} error={error} onSubmit={submit} onClose={onClose}>
      <SectionTabs label="Server properties" sections={sections} active={tab} onActivate={(id) => setTab(id as Tab)} />
    </FormDialog>
  );
}
