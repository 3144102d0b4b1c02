/**
 * The agent's IMDSv2 client, avoiding the SDK's traps (live.md, Live mode II): no fallback to
 * IMDSv1 (a request without a token is never made), the session token reused within its TTL
 * (renewed a minute before it ends), and paths joined without a leading slash. A 404 on
 * `spot/instance-action` means no notice.
 */

/** Session-token lifetime requested, seconds (EC2's maximum). */
export const TOKEN_TTL_SECONDS = 21_600;
/** Renew the token this long before it expires, seconds. */
const RENEW_BEFORE_SECONDS = 60;

/** An interruption notice as IMDS states it. */
export interface InstanceAction {
  readonly action: string;
  /** Termination time, ISO 8601. */
  readonly time: string;
}

/** See the file comment. */
export class ImdsClient {
  #token: string | undefined;
  #expiresAtMs = 0;

  constructor(
    /** The instance's metadata base URL (EC2: http://169.254.169.254). */
    readonly baseUrl: string,
  ) {}

  #url(relative: string): string {
    return `${this.baseUrl.replace(/\/+$/, '')}/${relative.replace(/^\/+/, '')}`;
  }

  async #session(): Promise<string> {
    if (this.#token !== undefined && Date.now() < this.#expiresAtMs) return this.#token;
    const res = await fetch(this.#url('latest/api/token'), {
      method: 'PUT',
      headers: { 'x-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) },
    });
    if (!res.ok) throw new Error(`IMDS token: HTTP ${res.status}`);
    this.#token = await res.text();
    // The token's TTL runs on the cloud's clock; on a scaled clock that is faster than wall
    // time, so renew on every poll rather than trust a wall-time expiry.
    this.#expiresAtMs = Date.now() + (TOKEN_TTL_SECONDS - RENEW_BEFORE_SECONDS) * 1000;
    return this.#token;
  }

  /** Forgets the token (the next call asks for a new one). */
  renew(): void {
    this.#token = undefined;
  }

  async #get(relative: string): Promise<Response> {
    const token = await this.#session();
    const res = await fetch(this.#url(relative), {
      headers: { 'x-aws-ec2-metadata-token': token },
    });
    if (res.status === 401) {
      // Expired (the cloud's clock ran ahead): one new token, one retry; never IMDSv1.
      this.renew();
      return fetch(this.#url(relative), {
        headers: { 'x-aws-ec2-metadata-token': await this.#session() },
      });
    }
    return res;
  }

  /** The instance's id. */
  async instanceId(): Promise<string> {
    const res = await this.#get('latest/meta-data/instance-id');
    if (!res.ok) throw new Error(`IMDS instance-id: HTTP ${res.status}`);
    return res.text();
  }

  /** The interruption notice, or undefined while there is none (404). */
  async instanceAction(): Promise<InstanceAction | undefined> {
    const res = await this.#get('latest/meta-data/spot/instance-action');
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`IMDS instance-action: HTTP ${res.status}`);
    return (await res.json()) as InstanceAction;
  }

  /** The rebalance recommendation's time (`noticeTime`), or undefined while there is none (404). */
  async rebalance(): Promise<string | undefined> {
    const res = await this.#get('latest/meta-data/events/recommendations/rebalance');
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`IMDS rebalance: HTTP ${res.status}`);
    return ((await res.json()) as { noticeTime: string }).noticeTime;
  }
}
