/**
 * The prebuilt SageMaker Clarify processing container, per region. The account that
 * hosts the image differs per region; deployers can override the whole URI.
 */

/**
 * Region → ECR account of `sagemaker-clarify-processing`, as listed by the SageMaker
 * Python SDK (src/sagemaker/image_uri_config/clarify.json, processing 1.0). Regions
 * missing here have no image in that table: deployers there set the image URI.
 */
export const CLARIFY_IMAGE_ACCOUNTS: Readonly<Record<string, string>> = {
  "af-south-1": "811711786498",
  "ap-east-1": "098760798382",
  "ap-northeast-1": "377024640650",
  "ap-northeast-2": "263625296855",
  "ap-northeast-3": "912233562940",
  "ap-south-1": "452307495513",
  "ap-southeast-1": "834264404009",
  "ap-southeast-2": "007051062584",
  "ca-central-1": "675030665977",
  "cn-north-1": "122526803553",
  "cn-northwest-1": "122578899357",
  "eu-central-1": "017069133835",
  "eu-north-1": "763603941244",
  "eu-south-1": "638885417683",
  "eu-west-1": "131013547314",
  "eu-west-2": "440796970383",
  "eu-west-3": "341593696636",
  "me-south-1": "835444307964",
  "sa-east-1": "520018980103",
  "us-east-1": "205585389593",
  "us-east-2": "211330385671",
  "us-gov-west-1": "598674086554",
  "us-west-1": "740489534195",
  "us-west-2": "306415355426",
};

/** A Clarify image URI: account, region, `sagemaker-clarify-processing`, a tag or digest. */
export const CLARIFY_IMAGE_PATTERN =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/sagemaker-clarify-processing(?::[\w.-]{1,128}|@sha256:[a-f0-9]{64})$/;

/** Default image tag. */
export const CLARIFY_IMAGE_TAG = "1.0";

/** The Clarify image URI for a region; undefined for a region without a known image. */
export function clarifyImageUri(region: string, tag: string = CLARIFY_IMAGE_TAG): string | undefined {
  const account = CLARIFY_IMAGE_ACCOUNTS[region];
  if (!account) return undefined;
  const domain = region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  return `${account}.dkr.ecr.${region}.${domain}/sagemaker-clarify-processing:${tag}`;
}
