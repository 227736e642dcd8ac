/**
 * Team review of curated trajectories: assignment (manual or automatic with overlap), the review queue,
 * decisions and their aggregation, curator adjudication / send-back / re-review, bulk actions, threaded
 * anchored comments with mentions, per-dataset guidelines. Every function takes the acting member and
 * checks workspace and role itself; the tRPC router only maps {@link ReviewError} (a ServiceError) to tRPC codes.
 *
 * Blind review: a reviewer sees other reviewers' decisions (and notes) only after submitting their own.
 * Curators and admins see everything.
 *
 * The review service, by responsibility: ./access.ts (shared lookups, item lock, status), ./assignments.ts,
 * ./queue.ts, ./decisions.ts, ./comments.ts; agreement in ./agreement.ts, edits in ./versions.ts. This module
 * is its one entry point (the router imports it).
 */
export { ReviewError, datasetOf, trajectoryOf, reviewers, trajectoryIdInput, datasetIdInput, type Actor } from "./access";
export { countUnassigned, assignAutomatically, assignManually, unassign, assignInput, assignManualInput, unassignInput } from "./assignments";
export { visibleReviews, listQueue, progress, getItem, itemActivity, queueInput, itemInput, type QueueStatus } from "./queue";
export { startReview, submitReview, curatorAction, setGuidelines, submitInput, curatorActionInput, guidelinesInput } from "./decisions";
export { listComments, addComment, resolveComment, editComment, deleteComment, myMentions, addCommentInput, editCommentInput, resolveCommentInput, commentIdInput, type CommentAnchor } from "./comments";
export { agreementReport, agreementInput } from "./agreement";
