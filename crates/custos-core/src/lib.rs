//! The pure domain of Custos: identifiers, the POLE model (People, Objects, Locations, Events),
//! security markings, roles and the versioning rules. No I/O happens here and nothing here can fail
//! for I/O reasons; storage, authorisation and audit build on these types.

pub mod code_list;

pub mod custody;
pub mod days;
pub mod draft;
pub mod entity;
pub mod event;
pub mod identifiers;
pub mod ids;
pub mod link;
pub mod location;
pub mod marking;
pub mod object;
pub mod person;
pub mod record;
pub mod retention;
pub mod role;
pub mod search_key;
pub mod sign_in;
pub mod text;
pub mod version;

pub use code_list::UnknownCode;
