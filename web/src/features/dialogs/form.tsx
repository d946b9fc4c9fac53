// Pieces the create forms share: where the object goes, what a form hands
// the dialog, the general fields, and datalists of suggestions.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { DdlAnnotation, Spec } from '../../api/ddl';
import { TextAreaField, TextField } from '../../components/Field';
import type { Section } from '../../components/SectionTabs';
import { useNames } from './names';
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
  /** The switch to a statement's safer form, where the form has it (an index built CONCURRENTLY). */
  safer?: (a: DdlAnnotation) => (() => void) | null;
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

/** A whole number as a number, anything else as typed (the server then says what is wrong); empty: left out. */
export function integer(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return /^-?\d+$/.test(t) && Number.isSafeInteger(n) ? n : t;
}

/** Name, owner and comment: the general tab most kinds start with. */
export function useGeneral(target: CreateTarget, withOwner: boolean) {
  const [name, setName] = useState('');
  const [owner, setOwner] = useState('');
  const [comment, setComment] = useState('');
  const roles = useNames(target.server.id, withOwner ? '/' : null, 'roles');
  const fields = (
    <>
      <TextField id="ddl-name" label="Name" required value={name} onValue={setName} />
      {withOwner && (
        <>
          <TextField id="ddl-owner" label="Owner" list="ddl-roles" value={owner} onValue={setOwner} placeholder="(you)" />
          <Datalist id="ddl-roles" values={roles} />
        </>
      )}
      <TextAreaField id="ddl-comment" label="Comment" rows={2} value={comment} onValue={setComment} />
    </>
  );
  return { name, owner, comment, fields };
}

export function SchemaField({ place }: { place: Place }): JSX.Element {
  return <TextField id="ddl-schema" label="Schema" value={place.schema} onValue={() => undefined} disabled />;
}

export function TableField({ place }: { place: Place }): JSX.Element {
  return <TextField id="ddl-table" label="Table" value={`${place.schema}.${place.table}`} onValue={() => undefined} disabled />;
}

/** The General tab of an object that lives in a schema (or on a table): where it goes, then FIELDS. */
export function generalSection(place: Place, fields: JSX.Element, onTable = false): Section {
  return {
    id: 'general',
    title: 'General',
    content: (
      <div class="form-grid">
        {onTable ? <TableField place={place} /> : <SchemaField place={place} />}
        {fields}
      </div>
    ),
  };
}
