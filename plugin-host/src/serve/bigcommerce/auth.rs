//! BigCommerce requests authenticate the way its Shipping Provider API allows: a shared
//! secret per store, which the merchant enters when connecting the app and BigCommerce then
//! sends in every request's `connection_options` as `shipmux_secret`.

use shipmux_core::{Error, ErrorKind};

use crate::serve::auth::key_matches;
use crate::serve::problem::Problem;
use crate::serve::state::AppState;

/// The `connection_options` key holding the store's shared secret.
pub const SECRET_FIELD: &str = "shipmux_secret";

/// Checks the store's secret when stores are configured: `store_id` must be one of them and
/// `connection_options.shipmux_secret` its secret. With no `store_id` (a connection check),
/// the secret must be some configured store's.
pub fn check_store(
    state: &AppState,
    store_id: Option<&str>,
    connection: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), Problem> {
    let stores = &state.options.bigcommerce.store_secrets;
    if stores.is_empty() {
        return Ok(());
    }
    let presented = connection
        .get(SECRET_FIELD)
        .and_then(|v| v.as_str())
        .map(str::trim)
        .unwrap_or("");
    if presented.is_empty() {
        return Err(refused(format!(
            "connection_options.{SECRET_FIELD} is required"
        )));
    }
    let ok = match store_id.map(str::trim) {
        Some(id) => stores
            .get(id)
            .is_some_and(|s| key_matches(std::slice::from_ref(s), presented.as_bytes())),
        None => {
            let all: Vec<_> = stores.values().cloned().collect();
            key_matches(&all, presented.as_bytes())
        }
    };
    if ok {
        Ok(())
    } else {
        Err(refused(format!(
            "connection_options.{SECRET_FIELD} is not this store's secret"
        )))
    }
}

fn refused(message: String) -> Problem {
    Problem::new(Error::new(ErrorKind::Unauthenticated, message))
}
