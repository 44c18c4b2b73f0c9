import { webApi } from '@slack/bolt';
import { z } from 'zod';
import { errorMessage, type Logger } from '../log.js';
import type { Chart, ChartOutcome, ChartPlace } from '../outbound.js';
import type { RenderedChart } from '../charts/render.js';
import { renderInChildProcess } from '../charts/render-process.js';
import type { SlackClient } from './directory.js';
import { escapeMrkdwn } from './blocks/format.js';
import { quiet } from './preflight.js';
import { slackErrorCode } from './outbound.js';

/** Each of the upload's three requests (get URL, send bytes, complete) gives up after this long… */
export const UPLOAD_REQUEST_TIMEOUT_MS = 15_000;
/** …and is tried twice at most; drawing and uploading together never take longer than this. */
export const CHART_DEADLINE_MS = 60_000;
const UPLOAD_RETRIES = 1;

/** The part of Slack's WebClient an upload needs: files.uploadV2 (getUploadURLExternal, the bytes, completeUploadExternal). */
export interface FilesClient {
  filesUploadV2(args: webApi.FilesUploadV2Arguments): Promise<unknown>;
}

const uploadedSchema = z.object({ files: z.array(z.object({ files: z.array(z.object({ id: z.string() })).min(1) })).min(1) });

/** Slack errors said in words people act on. */
const REASONS: Record<string, string> = {
  not_in_channel: 'dockhand is not in this channel (invite it, or ask in a DM with dockhand)',
  channel_not_found: 'dockhand cannot see this channel (invite it, or ask in a DM with dockhand)',
  missing_scope: 'the Slack app lacks the files:write scope (reinstall it from manifest.yml)',
  is_archived: 'the channel is archived',
};

/**
 * A WebClient of its own for uploads, with deadlines: Bolt's client retries for up to thirty minutes, and a
 * chart is not worth holding a digest or a command that long. Same token and API as the app's client.
 */
export function uploadClientOf(client: SlackClient): SlackClient {
  return new webApi.WebClient(client.token, {
    slackApiUrl: client.slackApiUrl,
    timeout: UPLOAD_REQUEST_TIMEOUT_MS,
    retryConfig: { retries: UPLOAD_RETRIES, maxTimeout: 5_000 },
    logger: quiet,
  });
}

/** `askedBy`: who asked for it (one chart each at a time); none for a digest's. */
export type ChartRenderer = (chart: Chart, askedBy?: string) => Promise<RenderedChart>;

/** Each chart is drawn in a process of its own, so the charting modules and the renderer's memory stay out of dockhand's. */
const renderApart: ChartRenderer = (chart, askedBy) => renderInChildProcess(chart.title, chart.data, askedBy);

function deadline(ms: number): { promise: Promise<never>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${Math.round(ms / 1000)} s`)), ms);
  });
  promise.catch(() => undefined);
  return { promise, clear: () => clearTimeout(timer) };
}

export interface SlackChartsOptions {
  logger: Logger;
  render?: ChartRenderer;
  deadlineMs?: number;
}

/** Charts as PNG files in Slack: drawn server-side, uploaded with files.uploadV2 into a channel or thread. */
export class SlackCharts {
  constructor(
    private readonly files: FilesClient,
    private readonly options: SlackChartsOptions,
  ) {}

  async attach(place: ChartPlace, chart: Chart): Promise<ChartOutcome> {
    const limit = deadline(this.options.deadlineMs ?? CHART_DEADLINE_MS);
    try {
      return await Promise.race([this.upload(place, chart), limit.promise]);
    } catch (error) {
      const code = slackErrorCode(error);
      const reason = (code && REASONS[code]) ?? code ?? errorMessage(error);
      this.options.logger.warn('chart not uploaded', { channel: place.channel, chart: chart.kind, error: code ?? errorMessage(error) });
      return { attached: false, reason };
    } finally {
      limit.clear();
    }
  }

  private async upload(place: ChartPlace, chart: Chart): Promise<ChartOutcome> {
    const drawn = await (this.options.render ?? renderApart)(chart, place.askedBy);
    const file = {
      file: drawn.png,
      filename: drawn.filename,
      title: drawn.title,
      alt_text: drawn.altText,
      ...(place.askedBy ? { initial_comment: `${escapeMrkdwn(drawn.title)}, for <@${place.askedBy.replace(/[^A-Z0-9]/gi, '')}>` } : {}),
    };
    const response = await this.files.filesUploadV2(
      place.threadTs ? { ...file, channel_id: place.channel, thread_ts: place.threadTs } : { ...file, channel_id: place.channel },
    );
    const fileId = uploadedSchema.parse(response).files[0]?.files[0]?.id ?? '';
    return { attached: true, fileId };
  }
}
