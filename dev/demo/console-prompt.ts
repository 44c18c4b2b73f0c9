import { clearLine, cursorTo, type Interface } from 'node:readline';

/**
 * Prints lines to the terminal without garbling what the user is typing: a channel post that arrives while
 * the prompt is up clears the prompt line, prints, and draws the prompt again with the input so far.
 */
export class ConsolePrinter {
  private prompt: Interface | null = null;

  constructor(private readonly out: NodeJS.WriteStream) {}

  /** The prompt is up (waiting for input): lines are printed above it from now on. */
  attach(prompt: Interface): void {
    this.prompt = prompt;
  }

  /** A typed line is being answered (or the console is closing): print plainly, the loop prompts again. */
  detach(): void {
    this.prompt = null;
  }

  /** For output nobody typed for (channel posts, DMs): above the prompt and what is typed after it. */
  print(text: string): void {
    const prompt = this.prompt;
    // Not a terminal (piped input, tests): nothing to redraw.
    if (!prompt || !this.out.isTTY) {
      this.out.write(`${text}\n`);
      return;
    }
    clearLine(this.out, 0);
    cursorTo(this.out, 0);
    this.out.write(`${text}\n`);
    // Redraws the prompt and the line typed so far, the cursor where it was.
    prompt.prompt(true);
  }
}
