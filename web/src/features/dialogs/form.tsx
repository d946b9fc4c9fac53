// Pieces the create forms share: where the object goes, what a form hands
// the dialog, and datalists of suggestions.
import type { JSX } from 'preact';
import type { Spec } from '../../api/ddl';
import type { Section } from '../../components/SectionTabs';
import type { CreateTarget } from './state';

/** What the owner path says about where the object goes. */
export interface Place {
  database: string | null;
  schema: string;
  table: string;
}

/** A form's part of the dialog: its tabs, and the spec they make. */
export interface FormParts {
  sections: Section[];
  spec: Spec;
  /** The new object's name as it appears in the tree (for selecting it). */
  name: string;
}

export interface FormProps {
  target: CreateTarget;
  place: Place;
}

export function Datalist({ id, values }: { id: string; values: readonly string[] }): JSX.Element {
  return (
    <datalist id={id}>
      {values.map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );
}
