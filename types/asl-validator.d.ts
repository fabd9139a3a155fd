// asl-validator 4 ships no type declarations; this covers the one call the tests make.
declare module "asl-validator" {
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly unknown[];
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: unknown): AslValidationResult;
}
