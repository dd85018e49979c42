pub fn register(_cfg: &mut actix_web::web::ServiceConfig) {}
