import { Fragment, type JSX } from 'preact';
import { shortcutGroups } from './shortcuts';

export function ShortcutList(): JSX.Element {
  return (
    <div class="shortcut-groups">
      {shortcutGroups().map((group) => (
        <table key={group.title} class="shortcut-table">
          <caption>{group.title}</caption>
          <tbody>
            {group.items.map((item) => (
              <tr key={item.action}>
                <td class="shortcut-keys">
                  {item.keys.map((k, i) => (
                    <Fragment key={k}>
                      {i > 0 && <span class="muted"> / </span>}
                      <kbd>{k}</kbd>
                    </Fragment>
                  ))}
                </td>
                <td>{item.action}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </div>
  );
}
