// The parts of a PostgreSQL error after its message (detail, hint, context,
// position), each shown when the server gave it.
import { Fragment, type JSX } from 'preact';

export function PgErrorFields({ fields }: { fields: ReadonlyArray<readonly [string, string | null | undefined]> }): JSX.Element {
  return (
    <dl class="pg-error-fields">
      {fields.map(
        ([label, value]) =>
          value && (
            <Fragment key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </Fragment>
          ),
      )}
    </dl>
  );
}
