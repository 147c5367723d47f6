//! What handlers see: the request context, the reply, and the macro that builds each
//! service's dispatch table from one list (so "implemented" has a single source of truth).

use crate::app::App;
use crate::auth::Principal;
use crate::protocol::{ApiError, Params};

/// One authenticated request, as a handler sees it: no HTTP, no SQL.
#[derive(Debug)]
pub struct RequestCtx<'a> {
    /// Shared server state.
    pub app: &'a App,
    /// The caller.
    pub principal: &'a Principal,
    /// The decoded parameters.
    pub params: &'a Params,
    /// This request's id.
    pub request_id: &'a str,
    /// Where the request came from and how it was signed.
    pub meta: &'a RequestMeta,
}

/// Facts about a request that condition keys report.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// The client's address (`aws:SourceIp`).
    pub source_ip: Option<std::net::IpAddr>,
    /// The region of the credential scope (`aws:RequestedRegion`).
    pub region: Option<String>,
    /// The `User-Agent` header (`aws:UserAgent`).
    pub user_agent: Option<String>,
}

/// A handler's successful answer.
#[derive(Debug)]
pub enum Reply {
    /// The action has no output: only `ResponseMetadata` is sent.
    Empty,
    /// The inner XML of the `<ActionResult>` element.
    Result(String),
}

/// What every handler returns.
pub type HandlerResult = Result<Reply, ApiError>;

/// Builds `dispatch` and `is_implemented` for an action enum from `Variant => handler` pairs.
macro_rules! dispatch_table {
    ($action:ident { $($variant:ident => $handler:path),* $(,)? }) => {
        /// Runs the handler of `action`, or `None` when iamd does not implement it.
        #[allow(unused_variables, reason = "the table may be empty")]
        pub async fn dispatch(
            action: $action,
            ctx: &$crate::api::RequestCtx<'_>,
        ) -> Option<$crate::api::HandlerResult> {
            #[allow(unreachable_patterns, reason = "the table may list every action")]
            match action {
                $($action::$variant => Some($handler(ctx).await),)*
                _ => None,
            }
        }

        /// Whether iamd implements `action`.
        #[must_use]
        pub fn is_implemented(action: $action) -> bool {
            #[allow(unreachable_patterns, reason = "the table may list every action")]
            match action {
                $($action::$variant => true,)*
                _ => false,
            }
        }
    };
}

/// Declares an action enum with its AWS names, `ALL`, `as_str` and `from_name`.
macro_rules! action_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", stringify!($variant), "`")]
                $variant,
            )*
        }

        impl $name {
            /// Every action, in alphabetical order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The action's AWS name.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => stringify!($variant),)*
                }
            }

            /// The action with this exact AWS name.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $(stringify!($variant) => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use action_enum;
pub(crate) use dispatch_table;
