// Opening the Storage tab (the user's files); small, in the main bundle.
import { openTab } from '../../state/workspace';

export function openStorage(): void {
  openTab({ id: 'storage', kind: 'storage', title: 'Storage', icon: 'folder' });
}
