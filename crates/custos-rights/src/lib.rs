//! Information rights: the UK calendar of bank holidays and working days ([`calendar`]), the
//! statutory clocks of FOI and subject access requests ([`clock`]) and a request as casework
//! ([`request`]: its events and the state they add up to). Pure code and reviewed data, no
//! storage: the casework in the store and the `custos deadline` calculator both ask these.

pub mod calendar;
pub mod clock;
pub mod discovery;
pub mod performance;
pub mod redact;
pub mod request;
