const FILE_ID_KEY = 'file-id';

type Root = Pick<DocumentNode, 'getPluginData' | 'setPluginData'>;

/**
 * This file's id for Reimage, made at random the first time and kept in the document's root plugin
 * data. clientStorage is the user's, shared by every file, and node ids such as 1:23 repeat from
 * file to file, so the jobs kept there carry the id of the file they belong to. figma.fileKey would
 * name the file, but Figma gives it only to private (organisation) plugins. A duplicated file keeps
 * the id of its original, as it keeps its layers and their ids.
 */
export function fileIdOf(root: Root): string {
  const existing = root.getPluginData(FILE_ID_KEY);
  if (existing) return existing;
  const id = `file-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`;
  root.setPluginData(FILE_ID_KEY, id);
  return id;
}
