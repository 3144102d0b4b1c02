import { EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  awsCode,
  CapacityError,
  cloudError,
  PermanentCloudError,
  retryStrategy,
  TransientCloudError,
} from '@synkti/orchestrator';
import { describe, expect, it } from 'vitest';

/** An error as the SDK throws it for `code` with HTTP `status`. */
function sdkError(code: string, status: number, message = 'said AWS', attempts = 3): Error {
  return new EC2ServiceException({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, attempts },
    message,
  });
}

describe('cloudError maps AWS errors to the typed cloud errors', () => {
  it('capacity codes are capacity, with no known return time', () => {
    for (const code of [
      'InsufficientInstanceCapacity',
      'InsufficientHostCapacity',
      'capacity-not-available',
    ]) {
      const e = cloudError(sdkError(code, 500), 'ec2:RunInstances', 'eu-west-1');
      expect(e).toBeInstanceOf(CapacityError);
      expect((e as CapacityError).availableAt).toBeUndefined();
      expect((e as Error).message).toBe(`eu-west-1 ec2:RunInstances: ${code}: said AWS`);
    }
  });

  it('throttling and server errors are transient, saying how many attempts were made', () => {
    const t = cloudError(sdkError('RequestLimitExceeded', 503, 'slow down', 5), 'ec2:X', 'r');
    expect(t).toBeInstanceOf(TransientCloudError);
    expect((t as Error).message).toBe(
      'r ec2:X: RequestLimitExceeded: slow down (after 5 attempts)',
    );
    expect(cloudError(sdkError('InternalError', 500, 'oops', 1), 'ec2:X', 'r')).toBeInstanceOf(
      TransientCloudError,
    );
    expect(
      (cloudError(sdkError('InternalError', 500, 'oops', 1), 'ec2:X', 'r') as Error).message,
    ).toMatch(/after 1 attempt\)$/);
  });

  it('auth errors are permanent, and say what to check', () => {
    const e = cloudError(
      sdkError('UnauthorizedOperation', 403, 'not allowed'),
      'ec2:RunInstances',
      'r',
    );
    expect(e).toBeInstanceOf(PermanentCloudError);
    expect((e as Error).message).toContain('check the credentials (AWS_PROFILE');
    expect((e as Error).message).toContain('IAM policy allows ec2:RunInstances');
  });

  it('a missing image or subnet points at the configuration file', () => {
    const e = cloudError(
      sdkError('InvalidAMIID.NotFound', 400, 'no such AMI'),
      'ec2:RunInstances',
      'r',
    );
    expect((e as Error).message).toContain('the id it names does not exist in this region');
    const other = cloudError(
      sdkError('InvalidParameterValue', 400, 'bad'),
      'ec2:RunInstances',
      'r',
    );
    expect((other as Error).message).toContain(
      'check the provider configuration file and the request',
    );
  });

  it('network errors without an AWS answer are transient; anything else passes through', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(cloudError(reset, 'sqs:ReceiveMessage', 'r')).toBeInstanceOf(TransientCloudError);
    const bug = new TypeError('x is undefined');
    expect(cloudError(bug, 'sqs:ReceiveMessage', 'r')).toBe(bug);
    const typed = new PermanentCloudError('already');
    expect(cloudError(typed, 'op', 'r')).toBe(typed);
  });

  it('awsCode reads the code however the error carries it', () => {
    expect(awsCode({ Code: 'A' })).toBe('A');
    expect(awsCode({ name: 'B' })).toBe('B');
    expect(awsCode({ code: 'C' })).toBe('C');
    expect(awsCode(null)).toBe('Error');
  });
});

describe('retryStrategy', () => {
  it('waits a random time up to base · 2^(attempt − 1), capped at 20 s', async () => {
    const s = retryStrategy(4, 100);
    expect(await s.maxAttempts()).toBe(4);
    const delay = (s as unknown as { computeNextBackoffDelay: (a: number) => number })
      .computeNextBackoffDelay;
    for (let k = 0; k < 200; k++) {
      const d3 = delay(3);
      expect(d3).toBeGreaterThanOrEqual(0);
      expect(d3).toBeLessThan(400);
      expect(delay(30)).toBeLessThan(20_000);
    }
  });
});
