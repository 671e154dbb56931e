//! The states of a citizen's Report and of a CSO's Case (DESIGN.md §4), the moves allowed
//! between them, and the reporter's disclosure level, which can only increase.
//!
//! Codes (`as_str`, `FromStr`) are stable: storage keeps them as text.

use std::fmt;
use std::str::FromStr;

/// An illegal move or an unknown code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifecycleError {
    #[error("a {kind} cannot go from {from} to {to}; from {from} it can go to: {allowed}")]
    IllegalTransition {
        kind: &'static str,
        from: &'static str,
        to: &'static str,
        allowed: String,
    },
    #[error("unknown {kind} code {0:?}", kind = .1)]
    UnknownCode(String, &'static str),
    #[error("disclosure can only increase: {from} cannot become {to}")]
    DisclosureDecrease {
        from: &'static str,
        to: &'static str,
    },
}

macro_rules! states {
    ($name:ident, $kind:literal, { $($variant:ident => $code:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every state, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Moves to `to` if allowed, or says which moves are.
            pub fn transition(self, to: $name) -> Result<$name, LifecycleError> {
                if self.next().contains(&to) {
                    Ok(to)
                } else {
                    let allowed = self.next().iter().map(|s| s.as_str()).collect::<Vec<_>>();
                    Err(LifecycleError::IllegalTransition {
                        kind: $kind,
                        from: self.as_str(),
                        to: to.as_str(),
                        allowed: if allowed.is_empty() { "nothing (final)".into() } else { allowed.join(", ") },
                    })
                }
            }

            pub fn can_go_to(self, to: $name) -> bool {
                self.next().contains(&to)
            }
        }

        impl FromStr for $name {
            type Err = LifecycleError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($code => Ok($name::$variant),)+ _ => Err(LifecycleError::UnknownCode(s.to_owned(), $kind)) }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

states!(ReportState, "report", {
    Received => "received",
    InReview => "in_review",
    Published => "published",
    PublishedRedacted => "published_redacted",
    KeptPrivate => "kept_private",
    Rejected => "rejected",
    Merged => "merged",
});

impl ReportState {
    /// The states reachable in one move. Nothing is public before a moderator publishes.
    pub fn next(self) -> &'static [ReportState] {
        use ReportState::*;
        match self {
            Received => &[InReview],
            InReview => &[Published, PublishedRedacted, KeptPrivate, Rejected, Merged],
            Published | PublishedRedacted | KeptPrivate | Rejected | Merged => &[],
        }
    }

    /// Whether the public may see the report (redacted or not).
    pub fn is_public(self) -> bool {
        matches!(
            self,
            ReportState::Published | ReportState::PublishedRedacted
        )
    }
}

states!(CaseState, "case", {
    Prepared => "prepared",
    Sent => "sent",
    DeliveryFailed => "delivery_failed",
    AwaitingResponse => "awaiting_response",
    ResponseReceived => "response_received",
    Resolved => "resolved",
    PartiallyResolved => "partially_resolved",
    ActionPromised => "action_promised",
    Refused => "refused",
    NotResponsible => "not_responsible",
    Escalated => "escalated",
    Closed => "closed",
    Reopened => "reopened",
});

impl CaseState {
    /// The states reachable in one move.
    pub fn next(self) -> &'static [CaseState] {
        use CaseState::*;
        match self {
            Prepared => &[Sent, DeliveryFailed],
            // A failed delivery is retried, or the case given up.
            DeliveryFailed => &[Sent, Closed],
            // A bounce can come after sending.
            Sent => &[AwaitingResponse, DeliveryFailed],
            // No answer: escalate, or close.
            AwaitingResponse => &[ResponseReceived, Escalated, Closed],
            ResponseReceived => &[
                Resolved,
                PartiallyResolved,
                ActionPromised,
                Refused,
                NotResponsible,
            ],
            Resolved => &[Closed],
            PartiallyResolved | ActionPromised | Refused => &[Escalated, Closed],
            // Re-route: a new appeal to the responsible body.
            NotResponsible => &[Prepared, Escalated, Closed],
            // The oversight body answers (new clock), or the case is closed.
            Escalated => &[ResponseReceived, Closed],
            Closed => &[Reopened],
            Reopened => &[Prepared, AwaitingResponse, Escalated, Closed],
        }
    }

    /// Whether entering this state starts a legal clock (sending, escalating).
    pub fn starts_clock(self) -> bool {
        matches!(self, CaseState::Sent | CaseState::Escalated)
    }
}

/// How much of the reporter's identity the CSO may use. Ordered: it can only increase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Disclosure {
    /// Nobody knows who reported.
    Anonymous,
    /// The CSO knows (sealed contact) and does not pass it on.
    Confidential,
    /// The reporter agreed to be named.
    Disclosed,
}

impl Disclosure {
    pub const ALL: &'static [Disclosure] = &[
        Disclosure::Anonymous,
        Disclosure::Confidential,
        Disclosure::Disclosed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Disclosure::Anonymous => "anonymous",
            Disclosure::Confidential => "confidential",
            Disclosure::Disclosed => "disclosed",
        }
    }

    /// Raises the level to `to`; staying at the same level is allowed, lowering it never.
    pub fn raise(self, to: Disclosure) -> Result<Disclosure, LifecycleError> {
        if to >= self {
            Ok(to)
        } else {
            Err(LifecycleError::DisclosureDecrease {
                from: self.as_str(),
                to: to.as_str(),
            })
        }
    }
}

impl FromStr for Disclosure {
    type Err = LifecycleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Disclosure::ALL
            .iter()
            .copied()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| LifecycleError::UnknownCode(s.to_owned(), "disclosure"))
    }
}

impl fmt::Display for Disclosure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
