/**
 * The AWS provider's configuration file (JSON), and its defaults — stated once, here. The CLI
 * validates a file against {@link awsConfigSchema} the way it validates scenarios (the file, the
 * field path, what was expected and what was found; exit 2 before anything runs), then
 * {@link resolveAwsConfig} fills in the defaults.
 *
 * One provider per region (`regions`): each has its own machine image or launch template,
 * subnets and event queue; the policy sees every configured region's prices.
 */

import { z } from 'zod';

/** AWS's notice before a spot interruption, seconds. */
export const AWS_NOTICE_SECONDS = 120;

const name = z.string().min(1).max(255);

/** One region's launch settings. */
const regionSchema = z
  .strictObject({
    /** e.g. `us-east-1`. */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as "us-east-1"'),
    /** The machine image (with `synkti` installed: the user data starts `synkti agent`). */
    imageId: z
      .string()
      .regex(/^ami-[0-9a-f]+$/, 'an AMI id such as "ami-0abc…"')
      .optional(),
    /** A launch template instead of (or on top of) `imageId`. */
    launchTemplate: z
      .strictObject({ name: name.optional(), id: name.optional(), version: name.optional() })
      .refine((t) => (t.name === undefined) !== (t.id === undefined), 'exactly one of name, id')
      .optional(),
    /** Subnet per availability zone; a launch in a zone uses that zone's subnet. */
    subnets: z.record(z.string(), z.string().regex(/^subnet-[0-9a-f]+$/, 'a subnet id')).optional(),
    securityGroupIds: z.array(z.string().regex(/^sg-[0-9a-f]+$/, 'a security group id')).optional(),
    keyName: name.optional(),
    /** Instance profile name (its role lets the agent write checkpoints to S3). */
    instanceProfile: name.optional(),
    /**
     * The AWS API endpoint for every service (an emulator's URL); default AWS's own. Only for
     * tests: real AWS needs none.
     */
    endpoint: z.url().optional(),
  })
  .refine(
    (r) => r.imageId !== undefined || r.launchTemplate !== undefined,
    'an "imageId" or a "launchTemplate"',
  );

/** The configuration file's structure. */
export const awsConfigSchema = z.strictObject({
  regions: z.array(regionSchema).min(1),
  /** Names of what `synkti aws setup` creates (queue, rules), in every region. Default "synkti". */
  namePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'letters, digits, "-" or "_" (at most 40)')
    .optional(),
  /** Where checkpoints of tasks left without a destination go. */
  checkpoints: z
    .strictObject({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
      prefix: z.string().max(512).optional(),
      /** The bucket's region (default the first region's). */
      region: z.string().optional(),
    })
    .optional(),
  /** The port agents serve on, on each instance's private address. Default 7070. */
  agentPort: z.number().int().min(1).max(65_535).optional(),
  /** Spot prices are re-read after this long, seconds. Default 300. */
  priceCacheSeconds: z.number().positive().optional(),
  /** DescribeSpotPriceHistory's product. Default "Linux/UNIX". */
  productDescription: name.optional(),
  /** Attempts of a throttled or transient call, the first included. Default 5. */
  maxAttempts: z.number().int().min(1).max(20).optional(),
  /** Long poll of the event queue, seconds (0–20). Default 20. */
  queueWaitSeconds: z.number().int().min(0).max(20).optional(),
  /** How often instances are described to notice state changes EventBridge missed, seconds. */
  describeEverySeconds: z.number().positive().optional(),
  /**
   * The notice before an interruption, seconds. Default AWS's 120; lower only against an
   * emulator (tests), where no real cloud keeps its promise.
   */
  noticeSeconds: z.number().positive().optional(),
});

/** A configuration file as written. */
export type AwsConfigFile = z.infer<typeof awsConfigSchema>;
/** One region's settings, as written. */
export type AwsRegionConfig = AwsConfigFile['regions'][number];

/** A configuration with every default filled in. */
export interface AwsConfig {
  readonly regions: readonly AwsRegionConfig[];
  readonly namePrefix: string;
  readonly checkpoints:
    | { readonly bucket: string; readonly prefix: string; readonly region: string }
    | undefined;
  readonly agentPort: number;
  /** Seconds. */
  readonly priceCacheSeconds: number;
  readonly productDescription: string;
  readonly maxAttempts: number;
  /** Seconds. */
  readonly queueWaitSeconds: number;
  /** Seconds. */
  readonly describeEverySeconds: number;
  /** Seconds. */
  readonly noticeSeconds: number;
}

/** Fills in the defaults (the one place they are stated). */
export function resolveAwsConfig(file: AwsConfigFile): AwsConfig {
  const first = file.regions[0] as AwsRegionConfig;
  return {
    regions: file.regions,
    namePrefix: file.namePrefix ?? 'synkti',
    checkpoints:
      file.checkpoints === undefined
        ? undefined
        : {
            bucket: file.checkpoints.bucket,
            prefix: file.checkpoints.prefix ?? 'synkti/checkpoints/',
            region: file.checkpoints.region ?? first.region,
          },
    agentPort: file.agentPort ?? 7070,
    priceCacheSeconds: file.priceCacheSeconds ?? 300,
    productDescription: file.productDescription ?? 'Linux/UNIX',
    maxAttempts: file.maxAttempts ?? 5,
    queueWaitSeconds: file.queueWaitSeconds ?? 20,
    describeEverySeconds: file.describeEverySeconds ?? 15,
    noticeSeconds: file.noticeSeconds ?? AWS_NOTICE_SECONDS,
  };
}
