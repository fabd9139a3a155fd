/**
 * Which engine the pipeline's processing jobs run: the SageMaker Clarify image, or the project's
 * own engine as a container image (container/), for accounts that cannot use Clarify.
 */
import { join } from "node:path";
import { Names, Stage } from "aws-cdk-lib";
import { DockerImageAsset, Platform } from "aws-cdk-lib/aws-ecr-assets";
import type { Construct } from "constructs";
import { buildContainerContextSync } from "../container/build-bundle.ts";
import type { EngineKind } from "../lambdas/shared/settings.ts";
import { defaultClarifyImage, repositoryArnOfImageUri } from "./private/clarify-image-mapping.ts";

/** An engine as one pipeline uses it. */
export interface BoundClarifyEngine {
  readonly kind: EngineKind;
  /** The image of the pipeline's jobs (when a run names none). */
  readonly imageUri: string;
  /** The ECR repository the job role may pull from; undefined when the URI names none at synth. */
  readonly repositoryArn: string | undefined;
}

export class ClarifyEngine {
  /**
   * The SageMaker Clarify processing image: the prebuilt image of the deployment region, or
   * `imageUri`. Every rule of a Clarify job applies.
   */
  static clarify(imageUri?: string): ClarifyEngine {
    return new ClarifyEngine("clarify", (scope) =>
      imageUri
        ? { kind: "clarify", imageUri, repositoryArn: repositoryArnOfImageUri(imageUri) }
        : { kind: "clarify", ...defaultClarifyImage(scope, "ClarifyImageAccounts") },
    );
  }

  /**
   * The project's engine image, built from container/ by `cdk deploy` (Docker must run on the
   * deploying machine) and pushed to the CDK bootstrap's container-asset repository. Synth only
   * bundles the engine (and its count workers) with esbuild into the image's build context; it
   * needs no Docker.
   */
  static builtin(): ClarifyEngine {
    return new ClarifyEngine("builtin", (scope) => {
      const asset = new DockerImageAsset(scope, "EngineImage", {
        directory: engineImageContext(scope),
        // SageMaker's processing instances (ml.c5, ml.m5, ...) are x86-64.
        platform: Platform.LINUX_AMD64,
      });
      return { kind: "builtin", imageUri: asset.imageUri, repositoryArn: asset.repository.repositoryArn };
    });
  }

  /** The project's engine image, already in an ECR repository of the account (e.g. a copy of the builtin image). */
  static fromImageUri(imageUri: string): ClarifyEngine {
    return new ClarifyEngine("builtin", () => ({
      kind: "builtin",
      imageUri,
      repositoryArn: repositoryArnOfImageUri(imageUri),
    }));
  }

  readonly kind: EngineKind;
  private readonly binder: (scope: Construct) => BoundClarifyEngine;

  private constructor(kind: EngineKind, binder: (scope: Construct) => BoundClarifyEngine) {
    this.kind = kind;
    this.binder = binder;
  }

  /** Creates what the engine needs (an image asset, a region mapping) in `scope`. */
  bind(scope: Construct): BoundClarifyEngine {
    return this.binder(scope);
  }
}

/**
 * Writes the image's build context (Dockerfile + the esbuild bundles) into the app's output
 * folder, where the asset is staged from. esbuild is loaded only then, for builtin deployments.
 */
function engineImageContext(scope: Construct): string {
  const outdir = Stage.of(scope)?.outdir;
  if (!outdir) throw new Error("ClarifyEngine.builtin() must be used inside a CDK app");
  const directory = join(outdir, `engine-image-context-${Names.uniqueId(scope)}`);
  buildContainerContextSync(directory);
  return directory;
}
