// The jobs the user has started, refreshed while any runs; the Jobs tab and
// the job dialogs' targets.
import { computed, signal } from '@preact/signals';
import { isActive, listJobs, type Job } from '../../api/jobs';
import type { ObjectNode, Server } from '../../api/servers';
import { onWorkspaceReset, openTab } from '../../state/workspace';

export const jobs = signal<Job[]>([]);
export const jobsError = signal<string | null>(null);
export const selectedJobId = signal<number | null>(null);
export const runningCount = computed(() => jobs.value.filter(isActive).length);

let timer: ReturnType<typeof setTimeout> | null = null;
let watchers = 0;

export async function refreshJobs(): Promise<void> {
  try {
    jobs.value = await listJobs();
    jobsError.value = null;
  } catch (err) {
    jobsError.value = err instanceof Error ? err.message : String(err);
  }
  schedule();
}

/** Polls every 1.5 s while a job runs or the Jobs tab is open. */
function schedule(): void {
  if (timer) clearTimeout(timer);
  timer = null;
  if (runningCount.value > 0 || watchers > 0) timer = setTimeout(() => void refreshJobs(), 1500);
}

/** The Jobs tab keeps the list fresh while it is shown; returns the release. */
export function watchJobs(): () => void {
  watchers++;
  void refreshJobs();
  return () => {
    watchers--;
    schedule();
  };
}

export const JOBS_TAB = { id: 'jobs', kind: 'jobs' as const, title: 'Jobs', icon: 'clock' as const };

export function openJobsTab(select?: number): void {
  if (select !== undefined) selectedJobId.value = select;
  openTab(JOBS_TAB);
}

/** A job started from a dialog: listed at once, followed in the Jobs tab. */
export function jobStarted(job: Job): void {
  jobs.value = [job, ...jobs.value.filter((j) => j.id !== job.id)];
  openJobsTab(job.id);
  schedule();
}

export type JobScope = 'server' | 'database' | 'schema' | 'table';

export type JobDialog =
  | { dialog: 'backup'; server: Server; scope: JobScope; database: string | null; schema?: string; table?: string }
  | { dialog: 'restore'; server: Server; database: string }
  | { dialog: 'copy'; server: Server; database: string; schema: string; table: string }
  | { dialog: 'maintenance'; server: Server; database: string; schema?: string; table?: string; index?: string; node?: ObjectNode };

export const jobDialog = signal<JobDialog | null>(null);

export function closeJobDialog(): void {
  jobDialog.value = null;
}

onWorkspaceReset(() => {
  jobDialog.value = null;
  jobs.value = [];
  selectedJobId.value = null;
});
