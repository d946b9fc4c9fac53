// Small line icons drawn on a 16x16 grid; they take the text colour.
import type { JSX } from 'preact';

const PATHS = {
  chevronRight: 'M6 4l4 4-4 4',
  chevronDown: 'M4 6l4 4 4-4',
  close: 'M4.5 4.5l7 7M11.5 4.5l-7 7',
  check: 'M3.5 8.5l3 3 6-7',
  servers: 'M2.5 3.5h11v3.5h-11zM2.5 9h11v3.5h-11zM5 5.25h.01M5 10.75h.01',
  user: 'M8 8a2.75 2.75 0 1 0 0-5.5A2.75 2.75 0 0 0 8 8zM2.75 13.5c.6-2.6 2.7-4 5.25-4s4.65 1.4 5.25 4',
  keyboard: 'M1.5 4.5h13v7h-13zM4 7h.01M6.5 7h.01M9 7h.01M11.5 7h.01M5 9.25h6',
  home: 'M2.5 7.5L8 3l5.5 4.5M4 6.5v6.5h8V6.5',
  alert: 'M8 2.5l6 10.5H2zM8 6.5v3M8 11.25h.01',
  refresh: 'M13 8a5 5 0 1 1-1.5-3.55M13 2.5v2.5h-2.5',
  plus: 'M8 3v10M3 8h10',
  folder: 'M1.75 4.25a1 1 0 0 1 1-1h3.5l1.5 1.5h5.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H2.75a1 1 0 0 1-1-1z',
  file: 'M4 1.75h5.25L12.5 5v9.25H4zM9.25 1.75V5h3.25',
  move: 'M1.75 4.25a1 1 0 0 1 1-1h3.5l1.5 1.5h5.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H2.75a1 1 0 0 1-1-1zM5.5 8.5h5M8.5 6.5l2 2-2 2',
  folderPlus: 'M1.75 4.25a1 1 0 0 1 1-1h3.5l1.5 1.5h5.5a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H2.75a1 1 0 0 1-1-1zM8 7v3.5M6.25 8.75h3.5',
  serverPlus: 'M2 3.5h9v3.5H2zM2 9h6.5v3.5H2zM4.5 5.25h.01M4.5 10.75h.01M12.5 9v5M10 11.5h5',
  edit: 'M10.5 2.5l3 3L6 13H3v-3zM9 4l3 3',
  trash: 'M2.5 4.5h11M6 4.5V3h4v1.5M4 4.5l.75 9h6.5l.75-9M6.75 7v4M9.25 7v4',
  plug: 'M5.5 1.75v3M10.5 1.75v3M3.5 4.75h9V7a4.5 4.5 0 0 1-9 0zM8 11.5v2.75',
  unplug: 'M5.5 1.75v3M10.5 1.75v3M3.5 4.75h9V7a4.5 4.5 0 0 1-9 0zM8 11.5v2.75M2 2.5l12 11',
  upload: 'M8 10V2.5M5 5.5l3-3 3 3M2.5 10v3.5h11V10',
  download: 'M8 2.5V10M5 7l3 3 3-3M2.5 10v3.5h11V10',
  database: 'M3 4c0-1.1 2.24-2 5-2s5 .9 5 2-2.24 2-5 2-5-.9-5-2zM3 4v8c0 1.1 2.24 2 5 2s5-.9 5-2V4M3 8c0 1.1 2.24 2 5 2s5-.9 5-2',
  users: 'M6 7.5a2.25 2.25 0 1 0 0-4.5 2.25 2.25 0 0 0 0 4.5zM1.75 13c.5-2.2 2.1-3.5 4.25-3.5s3.75 1.3 4.25 3.5M10.5 3.2a2.25 2.25 0 0 1 0 4.1M12 9.8c1.1.5 1.9 1.6 2.25 3.2',
  disk: 'M2.5 9.5l1.5-6h8l1.5 6v3.5h-11zM2.5 9.5h11M11 11.25h.01',
  object: 'M3 3h10v10H3z',
  query: 'M2 3.5h12v9H2zM4.5 6.5l2 1.5-2 1.5M8 10h3.5',
  terminal: 'M1.5 2.5h13v11h-13zM4 6l2.5 2L4 10M7.5 11h4',
  play: 'M4.5 3l8 5-8 5z',
  playLine: 'M3 3.5l6 4.5-6 4.5zM11 4v8M13.5 4v8',
  stop: 'M4 4h8v8H4z',
  format: 'M2.5 3.5h11M4.5 6.5h9M4.5 9.5h7M2.5 12.5h11',
  undo: 'M5.5 3.5L2.5 6.5l3 3M2.5 6.5h7a4 4 0 0 1 0 8h-2',
  explain: 'M2.5 3h4v3h-4zM9.5 7h4v3h-4zM9.5 12h4v2.5h-4zM4.5 6v2.5h5M4.5 8.5v4.75h5',
  analyze: 'M2.5 13.5h11M4 11V8M7 11V4.5M10 11V6.5M13 11V3',
  clock: 'M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM8 4.75V8l2.25 1.5',
  bookmark: 'M4 2.5h8v11l-4-3-4 3z',
  table: 'M2 3h12v10H2zM2 6.5h12M2 9.75h12M6.5 3v10',
  save: 'M3 2.5h8l2.5 2.5v8.5H3zM5.5 2.5v3.5h4.5V2.5M5 13.5V9h6v4.5',
  rowPlus: 'M2 3h8v3.5H2zM2 9.5h6M12 8.5v5M9.5 11h5',
  rowMinus: 'M2 3h12v3.5H2zM2 9.5h6M9.5 11h5',
  copy: 'M5.5 5.5h8v8h-8zM10.5 5.5V2.5h-8v8h3',
  activity: 'M1.5 8.5h2.75l1.75-4.5 3 8.5 1.75-4h3.75',
  pause: 'M5.5 3.5v9M10.5 3.5v9',
  info: 'M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM8 7.25v4M8 4.9h.01',
  ban: 'M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM3.75 3.75l8.5 8.5',
  eye: 'M1.5 8c1.6-2.9 3.8-4.5 6.5-4.5s4.9 1.6 6.5 4.5c-1.6 2.9-3.8 4.5-6.5 4.5S3.1 10.9 1.5 8zM8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  search: 'M7 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM10.75 10.75L14 14',
  arrowUp: 'M8 13V3M4 7l4-4 4 4',
  arrowDown: 'M8 3v10M4 9l4 4 4-4',
  // Database objects: one glyph per kind, on the same grid and stroke.
  schema:
    'M6 2.5h-.75c-.9 0-1.25.45-1.25 1.25v2.5c0 .9-.55 1.75-1.5 1.75.95 0 1.5.85 1.5 1.75v2.5c0 .8.35 1.25 1.25 1.25H6M10 2.5h.75c.9 0 1.25.45 1.25 1.25v2.5c0 .9.55 1.75 1.5 1.75-.95 0-1.5.85-1.5 1.75v2.5c0 .8-.35 1.25-1.25 1.25H10',
  view: 'M2 3h12v10H2zM2 6h12M4.5 9.5c1-1.2 2.2-1.8 3.5-1.8s2.5.6 3.5 1.8c-1 1.2-2.2 1.8-3.5 1.8s-2.5-.6-3.5-1.8zM8 9.5h.01',
  materializedView: 'M2 2.5h12v8.75H2zM2 5.5h12M4.5 8.4c1-1 2.2-1.5 3.5-1.5s2.5.5 3.5 1.5c-1 1-2.2 1.5-3.5 1.5s-2.5-.5-3.5-1.5zM2 13.5h12',
  foreignTable: 'M2 4.5h9v9H2zM2 7.5h9M2 10.5h9M6.5 4.5v9M9.5 1.75h4.75V6.5M14.25 1.75L10.5 5.5',
  sequence: 'M2.5 4h.01M2.5 8h.01M2.5 12h.01M5.5 4h3.5M5.5 8h5.5M5.5 12h8',
  function:
    'M9.5 2.75c-.5-.3-1-.35-1.5-.2-.8.25-1.1.9-1.25 1.7L5.5 11.9c-.15.8-.45 1.45-1.25 1.7-.5.15-1 .1-1.5-.2M4.25 6.25h4.5M11.25 6c-.75.9-1.1 1.9-1.1 3s.35 2.1 1.1 3M13.25 6c.75.9 1.1 1.9 1.1 3s-.35 2.1-1.1 3',
  procedure: 'M4.5 2.5h-2v11h2M11.5 2.5h2v11h-2M6.5 5.5l4 2.5-4 2.5z',
  triggerFunction:
    'M9.5 2.75c-.5-.3-1-.35-1.5-.2-.8.25-1.1.9-1.25 1.7L5.5 11.9c-.15.8-.45 1.45-1.25 1.7-.5.15-1 .1-1.5-.2M4.25 6.25h4.5M13.25 5.5l-2 3.25h2.75l-2 3.25',
  aggregate: 'M12 3H4l4.5 5L4 13h8',
  type: 'M2.5 2.5h11v11h-11zM5.5 5.5h5M8 5.5v5.5',
  domain: 'M8 1.75l5 1.75v4.25c0 3.1-2.15 5.25-5 6.5-2.85-1.25-5-3.4-5-6.5V3.5zM6 6h4M8 6v4.75',
  collation: 'M2 12.5L5 3.5l3 9M3 9.5h4M10 6.5h4l-4 6h4',
  operator: 'M5 3v5M2.5 5.5h5M8.5 11.5h5M12.5 3l-9 10',
  fts: 'M6.5 11a4.5 4.5 0 1 0 0-9 4.5 4.5 0 0 0 0 9zM10 9.75l4 4M4.5 5.5h4M4.5 7.5h3',
  cast: 'M2 5.5h6.5M6.5 3.5l2 2-2 2M14 10.5H7.5M9.5 8.5l-2 2 2 2',
  eventTrigger: 'M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM8.75 4.5L6 8.5h4l-2.75 3.5',
  globe: 'M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM2 8h12M8 2c1.6 1.6 2.4 3.6 2.4 6S9.6 12.4 8 14M8 2C6.4 3.6 5.6 5.6 5.6 8S6.4 12.4 8 14',
  publication: 'M8 9.5a1.25 1.25 0 1 0 0-2.5 1.25 1.25 0 0 0 0 2.5zM5.25 5.25a4 4 0 0 0 0 6M10.75 5.25a4 4 0 0 1 0 6M3 3.25a7 7 0 0 0 0 10M13 3.25a7 7 0 0 1 0 10',
  subscription: 'M2 9.5h3.5l1 1.5h3l1-1.5H14v4H2zM8 2.5v5.5M5.5 5.5L8 8l2.5-2.5',
  language: 'M5.5 4.5L2 8l3.5 3.5M10.5 4.5L14 8l-3.5 3.5M9.25 3l-2.5 10',
  extension: 'M3 5h3a1.5 1.5 0 1 1 3 0h3v3a1.5 1.5 0 1 1 0 3v3H3z',
  column: 'M5.5 2.5h5v11h-5zM5.5 5.5h5',
  constraint: 'M7.5 11a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0zM6.8 9.2L13 3M11 5l1.75 1.75M9.25 6.75l1.25 1.25',
  index: 'M2.5 3.5h6M2.5 6.5h4.5M2.5 9.5h3M2.5 12.5h1.5M12 3v10M9.75 10.75L12 13l2.25-2.25',
  trigger: 'M9.5 1.5L4 9h4l-1.5 5.5L12 7H8z',
  policy: 'M8 1.75l5 1.75v4.25c0 3.1-2.15 5.25-5 6.5-2.85-1.25-5-3.4-5-6.5V3.5zM5.75 8l1.5 1.5 3-3',
  rule: 'M2.5 8h4.5M7 8l3-3.5h3.5M7 8l3 3.5h3.5',
} as const;

export type IconName = keyof typeof PATHS;

interface IconProps {
  name: IconName;
  size?: number;
  class?: string;
}

export function Icon({ name, size = 16, class: className }: IconProps): JSX.Element {
  return (
    <svg
      class={className ? `icon ${className}` : 'icon'}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      stroke-width="1.4"
      stroke-linecap="round"
      stroke-linejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}

/** The product mark: an ivory tusk on the accent colour. */
export function Logo({ size = 18 }: { size?: number }): JSX.Element {
  return (
    <svg class="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" fill="var(--logo-bg)" />
      <path d="M7 26.5C7.6 16.5 14.5 8.2 25.5 5.5 18.4 10.3 13.7 17 12.6 26.5Z" fill="#f4ecda" />
    </svg>
  );
}
