import type { SelectionItem } from '../../shared/protocol';

interface Props {
  items: SelectionItem[];
  thumbnails: Record<string, string>;
}

/** What Generate will send: each selected layer's thumbnail and name (two lines, the full name on hover). */
export function SelectionPreview({ items, thumbnails }: Props) {
  if (items.length === 0) {
    return <p class="hint">Select 1 to 16 layers on the canvas to edit them instead.</p>;
  }
  return (
    <ul class="selection" aria-label="Selected layers">
      {items.map((item) => (
        <li key={item.id} title={`${item.name} · ${Math.round(item.width)}×${Math.round(item.height)}`}>
          {thumbnails[item.id] ? <img src={thumbnails[item.id]} alt="" /> : <span class="thumb-placeholder" />}
          <span class="selection-name" title={item.name}>
            {item.name}
          </span>
        </li>
      ))}
    </ul>
  );
}
