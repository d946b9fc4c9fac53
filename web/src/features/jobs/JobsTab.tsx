// The Jobs tab: every backup, restore, maintenance, import and export the
// user started, newest first, with state, elapsed time and output size;
// the selected job's command and live log below. Arrow keys move, Delete
// removes a finished job.
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { acknowledgeJob, cancelJob, deleteJob, downloadUrl, isActive, jobLog, watchJob, type Job } from '../../api/jobs';
import { Button } from '../../components/Button';
import { DataTable, type Heading } from '../../components/DataTable';
import { Icon, type IconName } from '../../components/Icon';
import { errorMessage, formatBytes, formatSeconds, formatTime } from '../../lib/format';
import { showToast } from '../../state/toasts';
import '../../styles/jobs.css';
import { jobs, jobsError, refreshJobs, selectedJobId, watchJobs } from './state';

const STATE_ICON: Record<Job['state'], IconName> = {
  queued: 'clock',
  running: 'play',
  succeeded: 'check',
  failed: 'alert',
  cancelled: 'ban',
};

function StateBadge({ job }: { job: Job }): JSX.Element {
  return (
    <span class={`job-state job-${job.state}`}>
      {job.state === 'running' ? <span class="spinner" aria-hidden="true" /> : <Icon name={STATE_ICON[job.state]} size={12} />}
      {job.state}
    </span>
  );
}

/** The log of a job: fetched once when it has ended, streamed while it runs. */
function useLog(job: Job | null): string {
  const [text, setText] = useState('');
  const id = job?.id ?? null;
  const active = job ? isActive(job) : false;
  const shownId = useRef<number | null>(null);
  useEffect(() => {
    // another job: start empty; the same job that ended: keep what streamed until the whole log arrives
    if (shownId.current !== id) setText('');
    shownId.current = id;
    if (id === null) return undefined;
    if (!active) {
      let live = true;
      jobLog(id).then(
        (t) => live && setText(t),
        (err: unknown) => live && setText(`(the log could not be read: ${errorMessage(err)})`),
      );
      return () => {
        live = false;
      };
    }
    setText('');
    return watchJob(id, {
      job: () => undefined,
      log: (piece) => setText((t) => t + piece),
      end: () => void refreshJobs(),
    });
  }, [id, active]);
  return text;
}

function LogView({ job }: { job: Job }): JSX.Element {
  const text = useLog(job);
  const ref = useRef<HTMLPreElement>(null);
  const follow = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [text]);
  return (
    <section class="job-detail" aria-label={`Job ${job.id}`}>
      <header class="job-detail-head">
        <StateBadge job={job} />
        <strong>{job.description}</strong>
        {job.reason && <span class={job.state === 'failed' ? 'job-reason error-text' : 'job-reason'}>{job.reason}</span>}
      </header>
      <pre
        class="job-log"
        ref={ref}
        tabIndex={0}
        aria-label="Job log"
        onScroll={(e) => {
          const el = e.currentTarget;
          follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
        }}
      >
        {text || (isActive(job) ? 'Waiting for output…' : '')}
      </pre>
    </section>
  );
}

/** What a job wrote so far, or for a restore or import how far it has read its file. */
function Size({ job }: { job: Job }): JSX.Element {
  if (job.input_size !== null) {
    if (job.input_read !== null && job.input_size > 0) {
      const percent = Math.min(100, Math.round((job.input_read / job.input_size) * 100));
      return (
        <span class="job-progress" title={`${formatBytes(job.input_read)} of ${formatBytes(job.input_size)} read`}>
          <progress max={100} value={percent} aria-label={`Job ${job.id} progress`} /> {percent}%
        </span>
      );
    }
    return <span title="the file it reads">{formatBytes(job.input_size)} in</span>;
  }
  return <>{job.output_size === null ? '—' : formatBytes(job.output_size)}</>;
}

async function act(what: () => Promise<unknown>, done?: string): Promise<void> {
  try {
    await what();
    if (done) showToast(done);
  } catch (err) {
    showToast(errorMessage(err), 'error');
  }
  await refreshJobs();
}

function JobActions({ job }: { job: Job }): JSX.Element {
  const finished = !isActive(job);
  return (
    <span class="job-actions">
      {!finished && (
        <Button small onClick={() => void act(() => cancelJob(job.id), `Cancelling job ${job.id}…`)} aria-label={`Cancel job ${job.id}`}>
          <Icon name="stop" size={12} /> Cancel
        </Button>
      )}
      {job.state === 'succeeded' && job.output_path && (
        <a class="btn btn-small" href={downloadUrl(job.output_path)} download aria-label={`Download the output of job ${job.id}`}>
          <Icon name="download" size={12} /> Download
        </a>
      )}
      {finished && !job.acknowledged && (
        <Button small onClick={() => void act(() => acknowledgeJob(job.id))} aria-label={`Acknowledge job ${job.id}`} title="Acknowledge">
          <Icon name="check" size={12} />
        </Button>
      )}
      {finished && (
        <Button small onClick={() => void act(() => deleteJob(job.id), `Job ${job.id} deleted.`)} aria-label={`Delete job ${job.id}`} title="Delete (Delete key)">
          <Icon name="trash" size={12} />
        </Button>
      )}
    </span>
  );
}

const JOB_HEADINGS: Heading[] = ['State', 'Job', 'Started', { label: 'Elapsed', class: 'num' }, { label: 'Size', class: 'num' }, { label: 'Actions', hidden: true }];

export function JobsTab(): JSX.Element {
  useEffect(() => watchJobs(), []);
  const list = jobs.value;
  const selected = list.find((j) => j.id === selectedJobId.value) ?? list[0] ?? null;
  const move = (e: KeyboardEvent) => {
    const i = selected ? list.indexOf(selected) : -1;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = list[Math.max(0, Math.min(list.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
      if (next) {
        selectedJobId.value = next.id;
        document.getElementById(`job-row-${next.id}`)?.focus();
      }
    } else if (e.key === 'Delete' && selected && !isActive(selected)) {
      e.preventDefault();
      void act(() => deleteJob(selected.id), `Job ${selected.id} deleted.`);
    }
  };
  return (
    <div class="jobs-tab">
      <div class="toolbar jobs-toolbar">
        <Button small onClick={() => void refreshJobs()} aria-label="Refresh jobs">
          <Icon name="refresh" size={12} /> Refresh
        </Button>
        <span class="muted">
          {list.filter(isActive).length} running · {list.length} in all
        </span>
        {jobsError.value && <span class="error-text">{jobsError.value}</span>}
      </div>
      {list.length === 0 ? (
        <p class="empty-state">No jobs yet. Start a backup, restore, maintenance or import/export from a node’s menu in the object explorer.</p>
      ) : (
        <div class="jobs-split">
          <DataTable columns={JOB_HEADINGS} class="jobs-table" label="Jobs" wrap="jobs-list" onKeyDown={move}>
            {list.map((job) => (
              <tr
                key={job.id}
                id={`job-row-${job.id}`}
                tabIndex={job === selected ? 0 : -1}
                aria-selected={job === selected}
                class={`${job === selected ? 'selected' : ''} ${job.acknowledged ? 'job-acknowledged' : ''}`}
                onClick={() => (selectedJobId.value = job.id)}
              >
                <td>
                  <StateBadge job={job} />
                </td>
                <td class="job-description" title={job.command}>
                  {job.description}
                </td>
                <td>{formatTime(job.started_at ?? job.created_at)}</td>
                <td class="num">{job.elapsed_seconds === null ? '—' : job.elapsed_seconds === 0 ? '< 1 s' : formatSeconds(job.elapsed_seconds)}</td>
                <td class="num">
                  <Size job={job} />
                </td>
                <td>
                  <JobActions job={job} />
                </td>
              </tr>
            ))}
          </DataTable>
          {selected && <LogView key={selected.id} job={selected} />}
        </div>
      )}
    </div>
  );
}
