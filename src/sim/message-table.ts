/**
 * Messages between the broker and the servers, by a small recycled id carried in event arguments;
 * an id is freed when its last reference (one per pending event) is released.
 */
export class MessageTable {
  private channels: number[] = [];
  private serials: number[] = [];
  private sizes: number[] = [];
  private published: number[] = [];
  private refs: number[] = [];
  private readonly free: number[] = [];

  add(channel: number, serial: number, bytes: number, publishedAtMs: number, refs: number): number {
    const id = this.free.pop() ?? this.refs.length;
    this.channels[id] = channel;
    this.serials[id] = serial;
    this.sizes[id] = bytes;
    this.published[id] = publishedAtMs;
    this.refs[id] = refs;
    return id;
  }

  retain(id: number): void {
    this.refs[id] = (this.refs[id] as number) + 1;
  }

  release(id: number): void {
    const left = (this.refs[id] as number) - 1;
    this.refs[id] = left;
    if (left === 0) this.free.push(id);
  }

  channel(id: number): number {
    return this.channels[id] as number;
  }

  serial(id: number): number {
    return this.serials[id] as number;
  }

  bytes(id: number): number {
    return this.sizes[id] as number;
  }

  publishedAtMs(id: number): number {
    return this.published[id] as number;
  }
}
