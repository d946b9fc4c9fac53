// What an explorer action is to the menus, the toolbar and the keys that
// offer it. A module of its own: each feature's menu module describes its
// actions with it, and the explorer's actions module, which gathers them
// all, imports those menus.
import type { IconName } from '../../components/Icon';

export interface Action<Id extends string = string> {
  id: Id;
  label: string;
  icon: IconName;
  /** The key that runs it in the tree, for menus and tooltips. */
  key?: string;
  /** Menus show a heading with this over the action and its neighbours of the same group. */
  group?: string;
}
