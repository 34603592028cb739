import type { alignment } from '../../../server/overlay/alignment.repo';
import type { Proposal as AlignedProposal } from '../../../server/overlay/proposal';

// The server's modules are the contract; only their types reach the client bundle.
export type { AlignmentFigures, GridAlignment } from '../../../server/overlay/alignment.repo';
export type { ProposalRow } from '../../../server/overlay/proposal';
export type { WorkloadFigures } from '../../../server/overlay/workload';

/** GET /api/overlay/alignment: per comprehensive grid its overlay shares, per overlay grid the grids inside and split, layer figures. */
export type Alignment = Awaited<ReturnType<typeof alignment>>;

/** GET /api/overlay/proposal: the rows and workloads, with how many grids change and how many overlay grids remain. */
export type Proposal = AlignedProposal & { changed: number; overlayGrids: number };

/** Balance overlay grids by households, each within mean × (1 ± `tolerance`), e.g. 0.2. */
export interface WorkloadBalance {
  balance: 'households';
  tolerance: number;
}

export interface ProposalQuery {
  comprehensive: number;
  overlay: number;
  balance?: WorkloadBalance;
}

/** POST /api/overlay/proposal/accept → 201, the part the client reads. */
export interface AcceptedProposal {
  planId: number;
  changed: number;
}
