/**
 * The v1 SDK's text blocks around a wait (`print_synchronous_run`): a header, the states seen, a result header.
 * The rules are `=` (or `-`) repeated title length + 2, the title padded with one space on each side.
 */

export function h1Block(title: string): string {
  const padded = ` ${title} `;
  const rule = "=".repeat(title.length + 2);
  return `\n\n${rule}\n\n${padded}\n\n${rule}\n\n`;
}

export function h2Block(title: string): string {
  const padded = ` ${title} `;
  const rule = "-".repeat(title.length + 2);
  return `\n${rule}\n${padded}\n${rule}\n\n`;
}

/** Prints a wait as v1 did: the header once, each new state on its own line, a dot while it stays, then the result. */
export class SynchronousRunPrinter {
  private last: string | undefined;
  private buffer = "";

  constructor(
    private readonly title: string,
    private readonly print: (text: string) => void,
  ) {}

  start(): void {
    this.buffer = `${h1Block(this.title)}\n`;
  }

  state(state: string): void {
    this.buffer += state === this.last ? "." : `\n${state}`;
    this.last = state;
  }

  success(title: string, message?: string): void {
    this.finish(title, message);
  }

  failure(title: string, message?: string): void {
    this.finish(title, message);
  }

  private finish(title: string, message?: string): void {
    this.buffer += `\n${h2Block(title)}${message ? `${message}\n` : ""}`;
    this.print(this.buffer);
    this.buffer = "";
  }
}
