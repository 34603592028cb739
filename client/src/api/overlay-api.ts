import { getJson, postJson } from './http';
import type { AcceptedProposal, Alignment, Proposal, ProposalQuery } from './overlay-types';

export const fetchAlignment = (comprehensive: number, overlay: number, signal?: AbortSignal): Promise<Alignment> =>
  getJson(`/api/overlay/alignment?comprehensive=${comprehensive}&overlay=${overlay}`, signal);

export function fetchProposal({ comprehensive, overlay, balance }: ProposalQuery, signal?: AbortSignal): Promise<Proposal> {
  const params = new URLSearchParams({ comprehensive: String(comprehensive), overlay: String(overlay) });
  if (balance) {
    params.set('balance', balance.balance);
    params.set('tolerance', String(balance.tolerance));
  }
  return getJson(`/api/overlay/proposal?${params}`, signal);
}

/** Writes the proposal as a new draft plan of the overlay's layer; a name the layer already has is a 409. */
export const acceptProposal = ({ comprehensive, overlay, balance }: ProposalQuery, name?: string): Promise<AcceptedProposal> =>
  postJson('/api/overlay/proposal/accept', { comprehensive, overlay, name, ...balance });
