//! The one list of routes. [`router`] registers exactly these, and the OpenAPI document describes
//! exactly these (its description of each [`Op`] is an exhaustive `match`, so a new operation does
//! not compile until it is documented).

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, on};
use custos_core::draft::{EventDraft, LinkDraft, LocationDraft, ObjectDraft};
use custos_core::record;

use crate::{
    AppState, audit_log, entities, health, matching, merge, openapi, records, related, retention, reviews, rights, search, session,
    subject_access, tokens,
};

/// The HTTP methods the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

impl Verb {
    pub fn method(self) -> Method {
        match self {
            Self::Get => Method::GET,
            Self::Post => Method::POST,
            Self::Put => Method::PUT,
            Self::Delete => Method::DELETE,
        }
    }

    /// The lower-case name OpenAPI uses as the operation's key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "get",
            Self::Post => "post",
            Self::Put => "put",
            Self::Delete => "delete",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Self::Get => MethodFilter::GET,
            Self::Post => MethodFilter::POST,
            Self::Put => MethodFilter::PUT,
            Self::Delete => MethodFilter::DELETE,
        }
    }
}

/// Every operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Healthz,
    Readyz,
    OpenApi,
    SignIn,
    SignOut,
    SignOutEverywhere,
    ChangePassword,
    IssueToken,
    RevokeToken,
    CreatePerson,
    CreateObject,
    CreateLocation,
    CreateEvent,
    CreateLink,
    CreateIncident,
    CreateArrest,
    CreateCustodyRecord,
    CreateCrimeReport,
    CreateIntelligenceReport,
    CreateCaseFile,
    CreateAsbReport,
    CreateVulnerablePersonReport,
    OpenCustody,
    MatchPerson,
    RegisterRequest,
    RequestQueue,
    ReadRequest,
    RecordRequestEvent,
    SubjectBundle,
    AssembleBundle,
    ExportPack,
    RetentionQueue,
    RetentionFile,
    RetentionReviews,
    RetentionHold,
    RetentionGroup,
    RetentionTrigger,
    RetentionReport,
    ReadArchived,
    Deadline,
    CreatePersonAfterMatch,
    ReadEntity,
    EntityHistory,
    ChangeEntity,
    SubmitEntity,
    RelatedEntities,
    MergePeople,
    Unmerge,
    ReviewQueue,
    DecideReview,
    SearchPeople,
    SearchRecords,
    SearchEverything,
    RecentWork,
    AuditEvents,
    AuditCheckpoint,
    AuditProof,
}

/// One route: method, path template (axum and OpenAPI share the `{param}` syntax) and operation.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub verb: Verb,
    pub path: &'static str,
    pub op: Op,
}

const fn route(verb: Verb, path: &'static str, op: Op) -> Route {
    Route { verb, path, op }
}

/// Every route the application serves.
pub const ROUTES: &[Route] = &[
    route(Verb::Get, "/healthz", Op::Healthz),
    route(Verb::Get, "/readyz", Op::Readyz),
    route(Verb::Get, "/api/openapi.json", Op::OpenApi),
    route(Verb::Post, "/api/v1/session", Op::SignIn),
    route(Verb::Delete, "/api/v1/session", Op::SignOut),
    route(Verb::Post, "/api/v1/session/everywhere", Op::SignOutEverywhere),
    route(Verb::Post, "/api/v1/me/password", Op::ChangePassword),
    route(Verb::Post, "/api/v1/tokens", Op::IssueToken),
    route(Verb::Delete, "/api/v1/tokens/{name}", Op::RevokeToken),
    route(Verb::Post, "/api/v1/people", Op::CreatePerson),
    route(Verb::Post, "/api/v1/objects", Op::CreateObject),
    route(Verb::Post, "/api/v1/locations", Op::CreateLocation),
    route(Verb::Post, "/api/v1/events", Op::CreateEvent),
    route(Verb::Post, "/api/v1/links", Op::CreateLink),
    route(Verb::Post, "/api/v1/incidents", Op::CreateIncident),
    route(Verb::Post, "/api/v1/arrests", Op::CreateArrest),
    route(Verb::Post, "/api/v1/arrests/{id}/custody", Op::OpenCustody),
    route(Verb::Post, "/api/v1/custody-records", Op::CreateCustodyRecord),
    route(Verb::Post, "/api/v1/crime-reports", Op::CreateCrimeReport),
    route(Verb::Post, "/api/v1/intelligence-reports", Op::CreateIntelligenceReport),
    route(Verb::Post, "/api/v1/case-files", Op::CreateCaseFile),
    route(Verb::Post, "/api/v1/asb-reports", Op::CreateAsbReport),
    route(Verb::Post, "/api/v1/vulnerable-person-reports", Op::CreateVulnerablePersonReport),
    route(Verb::Post, "/api/v1/persons/match", Op::MatchPerson),
    route(Verb::Post, "/api/v1/persons", Op::CreatePersonAfterMatch),
    route(Verb::Get, "/api/v1/entities/{id}", Op::ReadEntity),
    route(Verb::Get, "/api/v1/entities/{id}/history", Op::EntityHistory),
    route(Verb::Put, "/api/v1/entities/{id}", Op::ChangeEntity),
    route(Verb::Post, "/api/v1/entities/{id}/submit", Op::SubmitEntity),
    route(Verb::Get, "/api/v1/entities/{id}/related", Op::RelatedEntities),
    route(Verb::Post, "/api/v1/people/{id}/merge", Op::MergePeople),
    route(Verb::Post, "/api/v1/merges/{merge_id}/unmerge", Op::Unmerge),
    route(Verb::Get, "/api/v1/reviews", Op::ReviewQueue),
    route(Verb::Post, "/api/v1/reviews/{id}/decision", Op::DecideReview),
    route(Verb::Get, "/api/v1/people/search", Op::SearchPeople),
    route(Verb::Get, "/api/v1/search", Op::SearchRecords),
    route(Verb::Get, "/api/v1/search/everything", Op::SearchEverything),
    route(Verb::Get, "/api/v1/me/recent", Op::RecentWork),
    route(Verb::Get, "/api/v1/audit/events", Op::AuditEvents),
    route(Verb::Get, "/api/v1/audit/checkpoint", Op::AuditCheckpoint),
    route(Verb::Get, "/api/v1/audit/proofs/{seq}", Op::AuditProof),
    route(Verb::Post, "/api/v1/information-requests", Op::RegisterRequest),
    route(Verb::Get, "/api/v1/information-requests", Op::RequestQueue),
    route(Verb::Get, "/api/v1/information-requests/{id}", Op::ReadRequest),
    route(Verb::Post, "/api/v1/information-requests/{id}/events", Op::RecordRequestEvent),
    route(Verb::Get, "/api/v1/information-requests/{id}/bundle", Op::SubjectBundle),
    route(Verb::Post, "/api/v1/information-requests/{id}/bundle", Op::AssembleBundle),
    route(Verb::Post, "/api/v1/information-requests/{id}/pack", Op::ExportPack),
    route(Verb::Get, "/api/v1/retention/queue", Op::RetentionQueue),
    route(Verb::Get, "/api/v1/retention/report", Op::RetentionReport),
    route(Verb::Get, "/api/v1/retention/records/{id}", Op::RetentionFile),
    route(Verb::Post, "/api/v1/retention/records/{id}/hold", Op::RetentionHold),
    route(Verb::Post, "/api/v1/retention/records/{id}/group", Op::RetentionGroup),
    route(Verb::Post, "/api/v1/retention/reviews", Op::RetentionReviews),
    route(Verb::Post, "/api/v1/people/{id}/retention-review", Op::RetentionTrigger),
    route(Verb::Get, "/api/v1/retention/archive/{id}", Op::ReadArchived),
    route(Verb::Get, "/api/v1/deadlines", Op::Deadline),
];

impl Op {
    /// Whether the operation needs a signed-in caller (session or API token).
    pub fn needs_caller(self) -> bool {
        !matches!(self, Self::Healthz | Self::Readyz | Self::OpenApi | Self::SignIn | Self::Deadline)
    }

    /// Whether the operation consults personal data and so needs a justification.
    pub fn needs_justification(self) -> bool {
        matches!(
            self,
            Self::ReadEntity
                | Self::EntityHistory
                | Self::RelatedEntities
                | Self::SearchPeople
                | Self::SearchRecords
                | Self::SearchEverything
                | Self::MatchPerson
                | Self::ReviewQueue
                | Self::ReadRequest
                | Self::SubjectBundle
                | Self::AssembleBundle
                | Self::ExportPack
                | Self::ReadArchived
        )
    }

    /// Whether only a browser session (not an API token) may call it.
    pub fn needs_session(self) -> bool {
        matches!(
            self,
            Self::SignOut | Self::SignOutEverywhere | Self::ChangePassword | Self::IssueToken | Self::RevokeToken
        )
    }

    fn handler(self, filter: MethodFilter) -> MethodRouter<AppState> {
        match self {
            Self::Healthz => on(filter, health::healthz),
            Self::Readyz => on(filter, health::readyz),
            Self::OpenApi => on(filter, openapi::serve),
            Self::SignIn => on(filter, session::sign_in),
            Self::SignOut => on(filter, session::sign_out),
            Self::SignOutEverywhere => on(filter, session::sign_out_everywhere),
            Self::ChangePassword => on(filter, session::change_password),
            Self::IssueToken => on(filter, tokens::issue),
            Self::RevokeToken => on(filter, tokens::revoke),
            // Search before create (DESIGN.md invariant 6): the older route takes the same body as
            // `/persons`, so no route creates a person without a match search.
            Self::CreatePerson => on(filter, matching::create_after_match),
            Self::CreateObject => on(filter, entities::create::<ObjectDraft>),
            Self::CreateLocation => on(filter, entities::create::<LocationDraft>),
            Self::CreateEvent => on(filter, entities::create::<EventDraft>),
            Self::CreateLink => on(filter, entities::create::<LinkDraft>),
            Self::CreateIncident => on(filter, entities::create::<record::Incident>),
            Self::CreateArrest => on(filter, entities::create::<record::Arrest>),
            Self::CreateCustodyRecord => on(filter, entities::create::<record::CustodyRecord>),
            Self::CreateCrimeReport => on(filter, entities::create::<record::CrimeReport>),
            Self::CreateIntelligenceReport => on(filter, entities::create::<record::IntelligenceReport>),
            Self::CreateCaseFile => on(filter, entities::create::<record::CaseFile>),
            Self::CreateAsbReport => on(filter, entities::create::<record::AsbReport>),
            Self::CreateVulnerablePersonReport => on(filter, entities::create::<record::VulnerablePersonReport>),
            Self::OpenCustody => on(filter, records::open_custody),
            Self::MatchPerson => on(filter, matching::match_person),
            Self::CreatePersonAfterMatch => on(filter, matching::create_after_match),
            Self::ReadEntity => on(filter, entities::read),
            Self::EntityHistory => on(filter, entities::history),
            Self::ChangeEntity => on(filter, entities::change),
            Self::SubmitEntity => on(filter, entities::submit),
            Self::RelatedEntities => on(filter, related::related),
            Self::MergePeople => on(filter, merge::merge),
            Self::Unmerge => on(filter, merge::unmerge),
            Self::ReviewQueue => on(filter, reviews::queue),
            Self::DecideReview => on(filter, reviews::decide),
            Self::SearchPeople => on(filter, search::people),
            Self::SearchRecords => on(filter, search::records),
            Self::SearchEverything => on(filter, records::everything),
            Self::RecentWork => on(filter, related::recent),
            Self::AuditEvents => on(filter, audit_log::events),
            Self::AuditCheckpoint => on(filter, audit_log::checkpoint),
            Self::AuditProof => on(filter, audit_log::proof),
            Self::RegisterRequest => on(filter, rights::register),
            Self::RequestQueue => on(filter, rights::queue),
            Self::ReadRequest => on(filter, rights::read),
            Self::RecordRequestEvent => on(filter, rights::record),
            Self::SubjectBundle => on(filter, subject_access::bundle),
            Self::AssembleBundle => on(filter, subject_access::assemble),
            Self::ExportPack => on(filter, subject_access::pack),
            Self::RetentionQueue => on(filter, retention::queue),
            Self::RetentionFile => on(filter, retention::file),
            Self::RetentionReviews => on(filter, retention::review),
            Self::RetentionHold => on(filter, retention::hold),
            Self::RetentionGroup => on(filter, retention::regrade),
            Self::RetentionTrigger => on(filter, retention::trigger),
            Self::RetentionReport => on(filter, retention::report),
            Self::ReadArchived => on(filter, retention::archived),
            Self::Deadline => on(filter, rights::deadline),
        }
    }
}

/// A router with every route of [`ROUTES`] (two methods on one path merge into one entry).
pub fn router() -> Router<AppState> {
    ROUTES.iter().fold(Router::new(), |router, r| router.route(r.path, r.op.handler(r.verb.filter())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_method_and_path_is_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(!(a.verb == b.verb && a.path == b.path), "{a:?} and {b:?}");
                assert_ne!(a.op, b.op, "{a:?} and {b:?}");
            }
        }
    }

    #[test]
    fn session_only_operations_need_a_caller_and_reads_need_one_too() {
        for r in ROUTES {
            if r.op.needs_session() || r.op.needs_justification() {
                assert!(r.op.needs_caller(), "{r:?}");
            }
        }
    }
}
