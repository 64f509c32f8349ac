//! The pure domain of Custos: identifiers, the POLE model (People, Objects, Locations, Events),
//! security markings, roles and the versioning rules. No I/O happens here and nothing here can fail
//! for I/O reasons; storage, authorisation and audit build on these types.

pub mod ids;
pub mod marking;
pub mod role;
