//! Page objects for the browser tests: one struct per page, which knows how to open the page,
//! what a person reads on it and what they do there, so that the tests read as a person's steps
//! and say nothing of markup. A page's action that leads to another page returns that page's
//! object.

pub mod admin;
pub mod audit;
pub mod case_page;
pub mod dashboard;
pub mod document;
pub mod my_cases;
pub mod new_case;
pub mod queue;
pub mod review;
pub mod rota;
pub mod settings;
pub mod sign_in;
