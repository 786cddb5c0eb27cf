// A model folder chosen in the page, as the worker takes it: each file with its path inside the folder. The
// folder picker gives paths that start with the folder's own name; a dropped folder is walked entry by entry.
import type { FolderFile } from '../protocol/messages';

/** From an <input webkitdirectory> selection: the folder's name and its files. */
export function pickedFolder(files: readonly File[]): { name: string; files: FolderFile[] } {
  const parts = (file: File) => (file.webkitRelativePath || file.name).split('/');
  const name = files[0] && parts(files[0]).length > 1 ? parts(files[0])[0]! : 'folder';
  return { name, files: files.map((file) => ({ path: parts(file).slice(1).join('/') || file.name, file })) };
}

async function entries(directory: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = directory.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries returns the listing in batches; an empty batch ends it.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, prefix: string, out: FolderFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: `${prefix}${entry.name}`, file });
  } else if (entry.isDirectory) {
    for (const child of await entries(entry as FileSystemDirectoryEntry))
      await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/** A folder dropped on the page, or undefined when the drop holds no folder. */
export async function droppedFolder(data: DataTransfer): Promise<{ name: string; files: FolderFile[] } | undefined> {
  const folder = Array.from(data.items)
    .map((item) => item.webkitGetAsEntry())
    .find((entry) => entry?.isDirectory);
  if (!folder) return undefined;
  const files: FolderFile[] = [];
  for (const child of await entries(folder as FileSystemDirectoryEntry)) await walk(child, '', files);
  return { name: folder.name, files };
}
