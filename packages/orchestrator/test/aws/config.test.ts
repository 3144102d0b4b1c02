import { awsConfigSchema, checkS3Location } from '@synkti/orchestrator';
import { describe, expect, it } from 'vitest';

describe('awsConfigSchema', () => {
  const ok = { regions: [{ region: 'us-east-1', imageId: 'ami-0abc' }] };

  it('accepts an image or a launch template, and the optional settings', () => {
    expect(awsConfigSchema.safeParse(ok).success).toBe(true);
    const full = {
      regions: [
        {
          region: 'eu-central-1',
          launchTemplate: { id: 'lt-1', version: '$Latest' },
          subnets: { 'eu-central-1a': 'subnet-0a1' },
          securityGroupIds: ['sg-0a'],
          keyName: 'k',
          instanceProfile: 'p',
          endpoint: 'http://127.0.0.1:5000',
        },
      ],
      namePrefix: 'team_a',
      checkpoints: { bucket: 'my-bucket', prefix: 'x/', region: 'eu-central-1' },
      agentPort: 8080,
      priceCacheSeconds: 60,
      productDescription: 'Linux/UNIX (Amazon VPC)',
      maxAttempts: 3,
      queueWaitSeconds: 10,
      describeEverySeconds: 30,
      noticeSeconds: 120,
    };
    expect(awsConfigSchema.safeParse(full).success).toBe(true);
  });

  it('names what is wrong', () => {
    const issue = (v: unknown) => {
      const r = awsConfigSchema.safeParse(v);
      if (r.success) return undefined;
      const i = r.error.issues[0];
      return `${i?.path.join('.')}: ${i?.message}`;
    };
    expect(issue({ regions: [] })).toMatch(/^regions: /);
    expect(issue({ regions: [{ region: 'mars', imageId: 'ami-1' }] })).toBe(
      'regions.0.region: a region name such as "us-east-1"',
    );
    expect(issue({ regions: [{ region: 'us-east-1' }] })).toBe(
      'regions.0: an "imageId" or a "launchTemplate"',
    );
    expect(
      issue({ regions: [{ region: 'us-east-1', launchTemplate: { id: 'a', name: 'b' } }] }),
    ).toBe('regions.0.launchTemplate: exactly one of name, id');
    expect(issue({ ...ok, checkpoints: { bucket: 'Bad_Bucket' } })).toBe(
      'checkpoints.bucket: an S3 bucket name',
    );
    expect(issue({ ...ok, namePrefix: 'a b' })).toBe(
      'namePrefix: letters, digits, "-" or "_" (at most 40)',
    );
    expect(issue({ ...ok, queueWaitSeconds: 21 })).toMatch(/^queueWaitSeconds: /);
  });
});

describe('checkS3Location', () => {
  it('checks an agent request, naming the field', () => {
    expect(checkS3Location({ bucket: 'b', key: 'k', region: 'r' })).toEqual({
      bucket: 'b',
      key: 'k',
      region: 'r',
    });
    expect(
      checkS3Location({ bucket: 'b', key: 'k', region: 'r', endpoint: 'http://e' }),
    ).toMatchObject({ endpoint: 'http://e' });
    expect(() => checkS3Location(null)).toThrow('body: expected {bucket, key, region}');
    expect(() => checkS3Location({ bucket: 'b', key: '', region: 'r' })).toThrow(
      'key: expected a non-empty string, got ""',
    );
    expect(() => checkS3Location({ bucket: 'b', key: 'k', region: 'r', endpoint: 5 })).toThrow(
      'endpoint: expected a URL, got 5',
    );
  });
});
