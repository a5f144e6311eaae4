import { SHARE_ACCESS } from "../io/share-access.js";
import { FILE_ATTRIBUTE_ARCHIVE, FILE_ATTRIBUTE_DIRECTORY } from "../io/file-information.js";

/**
 * One file or directory of the in-memory volume (the FCB of a real file system). A file's
 * bytes are kept in a buffer that grows by doubling; a directory maps its children by
 * upper-cased name (names compare without case and keep the case they were created with,
 * as NTFS's do). Every open's share access is checked against `ShareAccess`.
 */
export class RamFsNode {
  /** Children by upper-cased name; null for a file. */
  readonly children: Map<string, RamFsNode> | null;
  data: Uint8Array = EMPTY;
  /** EndOfFile: the file's length in bytes. */
  size = 0;
  Attributes: number;
  readonly ShareAccess = new SHARE_ACCESS();
  /** File objects open on it that have not had their cleanup. */
  openCount = 0;
  /** FileDispositionInformation or FILE_DELETE_ON_CLOSE: goes at the last cleanup. */
  deletePending = false;
  /** Removed from its directory; its open file objects still see it. */
  deleted = false;
  // Times in 100 ns units since 1601 (KeQuerySystemTime), as FILE_BASIC_INFORMATION has them.
  CreationTime: number;
  LastAccessTime: number;
  LastWriteTime: number;
  ChangeTime: number;

  constructor(
    public name: string,
    public parent: RamFsNode | null,
    directory: boolean,
    now: number,
    attributes = 0,
  ) {
    this.children = directory ? new Map() : null;
    this.Attributes = directory ? FILE_ATTRIBUTE_DIRECTORY | (attributes & ~FILE_ATTRIBUTE_DIRECTORY) : (attributes & ~FILE_ATTRIBUTE_DIRECTORY) | FILE_ATTRIBUTE_ARCHIVE;
    this.CreationTime = this.LastAccessTime = this.LastWriteTime = this.ChangeTime = now;
  }

  get isDirectory(): boolean {
    return this.children !== null;
  }

  child(name: string): RamFsNode | undefined {
    return this.children?.get(name.toUpperCase());
  }

  /** Sets EndOfFile: bytes past it are dropped; a longer file reads zeros there. */
  setSize(size: number): void {
    if (size > this.data.length) {
      let cap = this.data.length || 64;
      while (cap < size) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    } else if (size < this.size) {
      this.data.fill(0, size, this.size);
    }
    this.size = size;
  }

  /** The path from the volume root, for messages (`\Windows\Temp\x.log`). */
  get path(): string {
    let p = "";
    for (let n: RamFsNode | null = this; n !== null && n.parent !== null; n = n.parent) p = "\\" + n.name + p;
    return p || "\\";
  }
}

const EMPTY = new Uint8Array(0);
