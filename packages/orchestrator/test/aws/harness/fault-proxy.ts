/**
 * A small HTTP proxy in front of moto_server that makes it behave where moto cannot (live.md,
 * Live mode II): it serves spot prices from a fixture in AWS's `describe-spot-price-history`
 * JSON (moto has none for many types and placeholder prices otherwise), honours `ClientToken`
 * on RunInstances as AWS documents (moto launches twice), and injects faults by API action —
 * capacity errors, throttling, auth failures, and connections dropped before or after moto
 * answered.
 *
 * Actions are read as the SDK sends them: EC2's query protocol (`Action=` in the form body),
 * SQS's and EventBridge's JSON protocols (`x-amz-target`); anything else is S3's REST.
 */

import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';

/** A spot price record, as `aws ec2 describe-spot-price-history` prints it. */
export interface SpotPriceRecord {
  readonly AvailabilityZone: string;
  readonly InstanceType: string;
  readonly ProductDescription: string;
  readonly SpotPrice: string;
  readonly Timestamp: string;
}

/** A fault to inject. */
export type Fault =
  | 'capacity' // EC2 InsufficientInstanceCapacity (500)
  | 'throttle' // RequestLimitExceeded (EC2, 503) or ThrottlingException (JSON, 400)
  | 'auth' // AuthFailure (401) / AccessDeniedException
  | 'drop' // the connection closed before moto sees the request
  | 'drop-response'; // moto handles it, the answer is lost

interface Rule {
  readonly action: string;
  readonly fault: Fault;
  remaining: number;
}

/** A running proxy. */
export interface FaultProxy {
  readonly url: string;
  /** Spot prices served, AWS's JSON records (replace freely). */
  prices: SpotPriceRecord[];
  /** Injects `fault` into the next `times` requests of `action` (e.g. "RunInstances"). */
  inject(action: string, fault: Fault, times?: number): void;
  /** Requests seen per action (faulted ones too). */
  count(action: string): number;
  /** Forgets injected faults, counts and client tokens (prices stay). */
  reset(): void;
  close(): Promise<void>;
}

function actionOf(req: IncomingMessage, body: string): { service: string; action: string } {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') {
    const [prefix, action] = target.split('.');
    return { service: prefix === 'AmazonSQS' ? 'sqs' : 'events', action: action ?? target };
  }
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  if (action) return { service: 'ec2', action };
  return { service: 's3', action: req.method ?? 'GET' };
}

function regionOf(req: IncomingMessage): string {
  const m = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  return m?.[1] ?? 'us-east-1';
}

function ec2Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code>` +
      `<Message>${message}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  );
}

function jsonError(res: ServerResponse, service: string, code: string, message: string): void {
  res.writeHead(400, {
    'content-type': 'application/x-amz-json-1.0',
    ...(service === 'sqs' ? { 'x-amzn-query-error': `${code};Sender` } : {}),
  });
  res.end(
    JSON.stringify({ __type: service === 'sqs' ? `com.amazonaws.sqs#${code}` : code, message }),
  );
}

function spotPriceXml(records: readonly SpotPriceRecord[]): string {
  const items = records
    .map(
      (r) =>
        `<item><instanceType>${r.InstanceType}</instanceType><productDescription>${r.ProductDescription}</productDescription>` +
        `<spotPrice>${r.SpotPrice}</spotPrice><timestamp>${r.Timestamp}</timestamp>` +
        `<availabilityZone>${r.AvailabilityZone}</availabilityZone></item>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?><DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>${randomUUID()}</requestId><spotPriceHistorySet>${items}</spotPriceHistorySet><nextToken></nextToken>` +
    `</DescribeSpotPriceHistoryResponse>`
  );
}

/** Starts the proxy in front of `motoUrl` on a free loopback port. */
export async function startFaultProxy(
  motoUrl: string,
  prices: SpotPriceRecord[] = [],
): Promise<FaultProxy> {
  const target = new URL(motoUrl);
  const rules: Rule[] = [];
  const counts = new Map<string, number>();
  const tokens = new Map<
    string,
    { status: number; headers: Record<string, string>; body: Buffer }
  >();
  const state = { prices };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(r.headers)) {
              if (v !== undefined && k !== 'transfer-encoding' && k !== 'connection')
                headers[k] = String(v);
            }
            headers['content-length'] = String(Buffer.concat(chunks).length);
            resolve({ status: r.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    const { service, action } = actionOf(req, text);
    counts.set(action, (counts.get(action) ?? 0) + 1);
    const rule = rules.find((r) => r.action === action && r.remaining > 0);
    if (rule) rule.remaining--;
    const fault = rule?.fault;
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'capacity') {
      return ec2Error(
        res,
        500,
        'InsufficientInstanceCapacity',
        'We currently do not have sufficient capacity in the Availability Zone you requested.',
      );
    }
    if (fault === 'throttle') {
      if (service === 'ec2')
        return ec2Error(res, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
      return jsonError(res, service, 'ThrottlingException', 'Rate exceeded');
    }
    if (fault === 'auth') {
      if (service === 'ec2')
        return ec2Error(
          res,
          401,
          'AuthFailure',
          'AWS was not able to validate the provided access credentials',
        );
      return jsonError(
        res,
        service,
        'AccessDeniedException',
        'User is not authorized to perform this action',
      );
    }
    if (service === 'ec2' && action === 'DescribeSpotPriceHistory') {
      const form = new URLSearchParams(text);
      const types = [...form.entries()]
        .filter(([k]) => /^InstanceType\.\d+$/.test(k))
        .map(([, v]) => v);
      const region = regionOf(req);
      const records = state.prices.filter(
        (p) =>
          (types.length === 0 || types.includes(p.InstanceType)) &&
          p.AvailabilityZone.startsWith(region),
      );
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(spotPriceXml(records));
      return;
    }
    const clientToken =
      action === 'RunInstances' ? new URLSearchParams(text).get('ClientToken') : null;
    const replay = clientToken ? tokens.get(clientToken) : undefined;
    const answer = replay ?? (await forward(req, raw));
    if (clientToken && answer.status === 200) tokens.set(clientToken, answer);
    if (fault === 'drop-response') {
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(502);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    get prices() {
      return state.prices;
    },
    set prices(p: SpotPriceRecord[]) {
      state.prices = p;
    },
    inject(action, fault, times = 1) {
      rules.push({ action, fault, remaining: times });
    },
    count(action) {
      return counts.get(action) ?? 0;
    },
    reset() {
      rules.length = 0;
      counts.clear();
      tokens.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
