import type { SegmentationMode } from '@parchee/smpp';
import type { Transmitter, TransmitterDirectory } from '../delivery/mt-sender';
import { DEFAULT_SUBMIT_PROFILE, type SubmitProfile } from '../delivery/submit-profile';

/**
 * Every operator link, whichever side binds: asks each directory in turn and uses the first that
 * knows the operator (client links in TransmitterPool, server links in OperatorServerPool).
 */
export class LinkDirectory implements TransmitterDirectory {
  constructor(private readonly directories: readonly TransmitterDirectory[]) {}

  knows(operator: string): boolean {
    return this.owner(operator) !== undefined;
  }

  segmentation(operator: string): SegmentationMode {
    return this.owner(operator)?.segmentation(operator) ?? 'udh8';
  }

  profile(operator: string): SubmitProfile {
    return this.owner(operator)?.profile?.(operator) ?? DEFAULT_SUBMIT_PROFILE;
  }

  pick(operator: string): Transmitter | null {
    return this.owner(operator)?.pick(operator) ?? null;
  }

  private owner(operator: string): TransmitterDirectory | undefined {
    return this.directories.find((directory) => directory.knows(operator));
  }
}
