//! A deterministic synthetic feed in the shape of the Kyrgyz OCDS API, for the demo, the tests
//! and the benchmarks (no real Kyrgyz OCDS is reachable offline).
//!
//! [`Feed::new`] plans every contracting process of a [`GenerateSettings`]; [`Feed::pages`]
//! yields the API's pages (release packages, oldest release first, `links.next` by the `since`
//! cursor), and [`write_feed`] writes them to a folder (`page-000001.json`, ...) with
//! `planted.jsonl` (the processes that carry a planted risk pattern or a near miss) and
//! `summary.json` (the realised statistics). `docs/generator.md` describes the distributions.
//!
//! The same settings always give byte-identical files: the generator draws from its own
//! xoshiro256** stream (no `rand` crate) and each process from a seed of its own, so that a
//! process is rebuilt, identically, each time one of its releases is written.
//!
//! The rates below are the targets; `tests/generate.rs` checks the realised statistics against
//! them.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

mod process;
mod projects;
mod random;
mod render;
mod vocabulary;
mod world;

pub use projects::{
    COMPLETED_RATE, DURATION_MODIFICATION_RATE, PAID_AHEAD_RATE, SLIPPAGE_RATE,
    VALUE_MODIFICATION_RATE,
};
pub use vocabulary::settlement_points;
pub use world::{BUYER_TAIL_EXPONENT, SUPPLIER_TAIL_EXPONENT};

use process::{BidStatus, Calendar, Law, Outcome, Plan, Process, Role, Stage};
use world::World;

/// The day the 2022 law (No. 27) replaced the 2015 law (No. 72) for new processes.
pub const LAW_2022_FROM: (i64, u32, u32) = (2022, 4, 1);
/// Over this value (KGS) the 2015 law asks for a one-stage tender instead of the simplified
/// method. A plausible figure, not the legal one.
pub const THRESHOLD_2015_KGS: i64 = 1_000_000;
/// Over this value (KGS) the 2022 law asks for an unlimited tender instead of a request for
/// quotations. A plausible figure, not the legal one.
pub const THRESHOLD_2022_KGS: i64 = 1_500_000;

/// Shares of all processes that carry each planted pattern.
pub const SINGLE_BID_SHARE: f64 = 0.06;
pub const SPLIT_PURCHASE_SHARE: f64 = 0.02;
pub const REPEAT_DIRECT_AWARD_SHARE: f64 = 0.02;
pub const IDENTICAL_BID_PRICES_SHARE: f64 = 0.01;
pub const LATE_WINNING_BID_SHARE: f64 = 0.01;
/// All bids but the winner's disqualified (R035). Every single-bid near miss (two bids, the
/// cheaper disqualified) carries this pattern too and counts towards the share.
pub const ALL_BUT_WINNER_DISQUALIFIED_SHARE: f64 = 0.02;
/// The lowest bid disqualified (R036). Every single-bid near miss carries this pattern too and
/// counts towards the share.
pub const LOWEST_BID_DISQUALIFIED_SHARE: f64 = 0.02;
pub const UNANSWERED_QUESTIONS_SHARE: f64 = 0.01;
pub const DIRECT_JUST_UNDER_THRESHOLD_SHARE: f64 = 0.01;
pub const CONTRACT_DIFFERS_FROM_AWARD_SHARE: f64 = 0.01;
pub const LATE_SIGNATURE_SHARE: f64 = 0.01;
pub const HASTY_DECISION_SHARE: f64 = 0.01;
pub const SLOW_DECISION_SHARE: f64 = 0.01;
pub const AWARD_AT_OR_ABOVE_ESTIMATE_SHARE: f64 = 0.01;
pub const COBIDDING_PAIR_SHARE: f64 = 0.01;
pub const AWARD_WITHOUT_CONTRACT_SHARE: f64 = 0.01;
pub const BID_PRICE_DISPARITY_SHARE: f64 = 0.01;
pub const HEAVILY_DISCOUNTED_BID_SHARE: f64 = 0.01;
pub const FIXED_BID_RATIO_SHARE: f64 = 0.01;
pub const SHARED_ADDRESS_SHARE: f64 = 0.01;
pub const MOSTLY_DIRECT_BUYER_SHARE: f64 = 0.02;
/// Twice the usual share, so that a small feed has some groups of five or six.
pub const DOMINANT_SUPPLIER_SHARE: f64 = 0.02;
/// Half the usual shares: each group takes a market of its own, and there are 29.
pub const MARKET_LEADER_SHARE: f64 = 0.005;
/// A buyer whose spending is concentrated (R051). Every dominant-supplier group and its near
/// miss carries this pattern too and counts towards the share, which is all it gets.
pub const CONCENTRATED_BUYER_SHARE: f64 = 0.03;
/// Share of all processes that are a near miss of each pattern (but see
/// [`Pattern::near_miss_share`]).
pub const NEAR_MISS_SHARE: f64 = 0.01;

/// A split purchase is this many processes (inclusive range) of one buyer, one OKGZ code and
/// the below-threshold method, each between these shares of the threshold, within this many
/// days. Its near miss is a group of the smallest size just over the threshold, through an
/// open tender.
pub const SPLIT_PURCHASE_GROUP: (u64, u64) = (3, 5);
pub const SPLIT_PURCHASE_UNDER: (f64, f64) = (0.85, 0.995);
pub const SPLIT_PURCHASE_OVER: (f64, f64) = (1.005, 1.15);
pub const SPLIT_PURCHASE_WINDOW_DAYS: i64 = 30;
/// Repeated direct awards: this many direct contracts (inclusive range) between one buyer and
/// one supplier within this many days. The near miss is one fewer (two); otherwise no buyer
/// contracts the same supplier directly twice.
pub const REPEAT_DIRECT_AWARD_GROUP: (u64, u64) = (3, 5);
pub const REPEAT_DIRECT_AWARD_WINDOW_DAYS: i64 = 365;
/// A direct contract just under the threshold in force: between these shares of it. Its near
/// miss is a direct contract a little further under (outside a 10% margin).
pub const DIRECT_JUST_UNDER: (f64, f64) = (0.91, 0.995);
pub const DIRECT_FURTHER_UNDER: (f64, f64) = (0.8, 0.89);
/// A contract whose amount differs from its award's by these shares (up or, one time in
/// three, down). Its near miss differs by less than 10%.
pub const CONTRACT_DIFFERS_BY: (f64, f64) = (0.12, 0.4);
pub const CONTRACT_DIFFERS_LITTLE_BY: (f64, f64) = (0.02, 0.095);
/// A contract signed this many days (inclusive range) after its award; the near miss is
/// signed after the second range (under 30 days). Otherwise contracts are signed 1 to 10 days
/// after the award.
pub const LATE_SIGNATURE_DAYS: (u64, u64) = (35, 120);
pub const LATE_SIGNATURE_NEAR_DAYS: (u64, u64) = (25, 29);
/// The first award made this many hours after the bid deadline (under 2 days); the near miss
/// 2 days and 1 to 6 hours after it. Otherwise awards come 2 to 10 days after the deadline.
pub const HASTY_DECISION_HOURS: (u64, u64) = (2, 40);
/// The first award made this many days after the bid deadline (over 30); the near miss after
/// the second range (under 30 days).
pub const SLOW_DECISION_DAYS: (u64, u64) = (35, 90);
pub const SLOW_DECISION_NEAR_DAYS: (u64, u64) = (25, 29);
/// Every bid (so the winning one too) between these shares of the estimate; the near miss's
/// winning bid is between the second shares, its other bids up to 110% of the estimate.
/// Otherwise bids are 78% to 99.5% of their lot's value.
pub const AT_OR_ABOVE_ESTIMATE: (f64, f64) = (1.0, 1.12);
pub const JUST_UNDER_ESTIMATE: (f64, f64) = (0.97, 0.995);
/// A bidding pair: two suppliers (drawn uniformly, so rarely among the busiest) bid together in
/// this many competitive processes (inclusive range), one lot each, and the same one always
/// wins. The near miss is one fewer process (three).
pub const COBIDDING_PAIR_GROUP: (u64, u64) = (4, 6);
/// An award without a contract, made this many days (inclusive range) before the feed's latest
/// date (the latest award, signature or bid deadline of all its processes, which is what R063
/// counts to). The near miss is, one time in two, an award without a contract only the second
/// range of days old, and otherwise an award as old as the planted ones whose contract is
/// published, signed [`LATE_SIGNATURE_NEAR_DAYS`] after it. These processes are dated once
/// every other one is built, so some are published after the span's last day.
pub const AWARD_WITHOUT_CONTRACT_DAYS: (u64, u64) = (45, 200);
pub const RECENT_AWARD_DAYS: (u64, u64) = (10, 25);

/// Bid prices far apart (R022 flags the highest at 3 times the lowest or more): a one-lot
/// process with three to five bids whose highest is these many times the lowest (a cover bid
/// far above the estimate); in the near miss, the second range of times.
pub const BID_PRICE_DISPARITY: (f64, f64) = (3.3, 4.5);
pub const BID_PRICE_DISPARITY_NEAR: (f64, f64) = (2.4, 2.9);
/// A heavily discounted winning bid (R058 flags the difference between the second-lowest
/// valid bid and the winning one, relative to the winning one, at or above the upper fence of
/// all such differences): a one-lot process with three to five bids whose cheapest (the
/// winner) is priced again so that the next one is this much more, relative to it. The near
/// miss's next bid is the second range more. Otherwise bids are 78% to 99.5% of their lot's
/// value, so background differences stay under 0.276 and the fence they set is about 0.2.
pub const HEAVILY_DISCOUNTED_BY: (f64, f64) = (0.45, 0.8);
pub const SLIGHTLY_DISCOUNTED_BY: (f64, f64) = (0.12, 0.16);
/// Bid prices in a fixed proportion (R023, 4 decimals): two suppliers (drawn uniformly; each
/// bids elsewhere, but no other process draws both) bid together on one lot in this many processes (inclusive range), the
/// price of the one with the greater party id always the same ratio (4 decimals, in this
/// range) of the other's. The near miss is such a group whose ratio moves by
/// [`FIXED_BID_RATIO_NEAR_STEP`] (inclusive range, in ten-thousandths) from one process to the
/// next: equal at 3 decimals or nearly, never at 4.
pub const FIXED_BID_RATIO_GROUP: (u64, u64) = (2, 3);
pub const FIXED_BID_RATIO: (f64, f64) = (1.03, 1.15);
pub const FIXED_BID_RATIO_NEAR_STEP: (u64, u64) = (2, 9);
/// Bidders at one address (R044): two suppliers (drawn uniformly; each bids elsewhere, but no
/// other process draws both), the second registered at the first's address, bid together in this many one-lot processes
/// (inclusive range). The near miss is such a pair on the same street, house number and all,
/// in another locality.
pub const SHARED_ADDRESS_GROUP: (u64, u64) = (2, 3);
/// A buyer that mostly buys directly (R013 flags a share of 50% or more over at least 10
/// processes): a buyer (drawn uniformly, with no other process) with this many processes
/// (inclusive range), all but one to three of them direct contracts. Its near miss has as
/// many processes, just under half of them direct (4 of 10, 5 of 11, 5 of 12).
pub const MOSTLY_DIRECT_BUYER_GROUP: (u64, u64) = (10, 12);
/// A supplier that gets most of one buyer's money (R040 flags a share of 50% or more, for
/// buyers with 5 processes or more): a buyer (drawn uniformly, with no other process) makes
/// this many direct contracts (inclusive range), each with another supplier; one supplier
/// (drawn uniformly, contracting nowhere else) gets this share of the value and the others
/// equal parts of the rest. The near miss gives it the second share, over five contracts.
/// Both have a Herfindahl-Hirschman index (R051, flagged at 0.25) of at least 0.272 and carry
/// [`Pattern::ConcentratedBuyer`].
pub const DOMINANT_SUPPLIER_GROUP: (u64, u64) = (5, 6);
pub const DOMINANT_SUPPLIER: (f64, f64) = (0.6, 0.8);
pub const DOMINANT_SUPPLIER_NEAR: (f64, f64) = (0.44, 0.48);
/// A supplier that holds most of a market (R050 flags a share of 50% or more of the active
/// award value of a 4-digit classification, in markets of 10 processes or more): a supplier
/// (drawn uniformly, bidding nowhere else) wins this many open tenders of one lot in one OKGZ
/// market that no other such group takes, with the cheapest of background-like bids; once
/// every other process is built, the three are valued so that its awards make this share of
/// the market's award value. The near miss's supplier gets the second share. Every OKGZ market
/// of a feed of 1,500 processes or more has 20 processes or more, so the three are large
/// purchases.
pub const MARKET_LEADER_GROUP: u64 = 3;
pub const MARKET_LEADER: (f64, f64) = (0.6, 0.75);
pub const MARKET_LEADER_NEAR: (f64, f64) = (0.42, 0.47);
/// The near miss of a concentrated buyer: six direct contracts, one supplier with this share
/// and five with equal parts of the rest: an index of 0.211 to 0.232, under R051's 0.25.
pub const CONCENTRATED_BUYER_NEAR: (f64, f64) = (0.36, 0.4);

/// Of the competitive processes not planted: no bids at all (re-published unsuccessful).
pub const UNSUCCESSFUL_RATE: f64 = 0.05;
/// Of the competitive processes not planted: never re-published after the tender release.
pub const STILL_OPEN_RATE: f64 = 0.08;
/// Weights of 2, 3, ..., 8 bids for competitive processes not planted (one bid is only ever
/// planted).
pub const BID_COUNT_WEIGHTS: [u32; 7] = [30, 25, 18, 12, 8, 5, 2];
/// Of the competitive processes not planted with one lot: several lots (2 to 6).
pub const MULTI_LOT_RATE: f64 = 0.25;
/// Of the bids of processes not planted, drawn for each bid; a bid is kept valid after all
/// when disqualifying it would make a planted pattern (R035, R036): when it is the cheapest on
/// one of its lots, or would leave one of them with fewer than two valid bids.
pub const DISQUALIFICATION_RATE: f64 = 0.12;
/// Of the competitive processes: 1 to 3 enquiries, each answered before the bid deadline
/// (questions left unanswered are planted).
pub const ENQUIRY_RATE: f64 = 0.2;
/// Of the awarded competitive processes with a losing bidder: a complaint.
pub const COMPLAINT_RATE: f64 = 0.03;
/// Of the competitive processes not planted: the tender period extended by an amendment,
/// published as a release of its own.
pub const AMENDMENT_RATE: f64 = 0.08;
/// Of all processes: tender documents (1 to 3).
pub const DOCUMENTS_RATE: f64 = 0.5;

/// Defects, each of all processes unless said otherwise.
pub const PROCURING_ENTITY_ID_IS_NAME_RATE: f64 = 0.05;
pub const NO_BUYER_RATE: f64 = 0.9;
/// Of the releases after the tender release (and of single-source releases): `date` is the
/// export time (08:00 on a later day), not the time of the last event.
pub const EXPORT_TIME_DATE_RATE: f64 = 0.25;
/// Of the single-source processes: `procurementMethod` is `open`.
pub const SINGLE_SOURCE_AS_OPEN_RATE: f64 = 0.4;
/// Of the single-source processes: tender and lot values published as 0.
pub const SINGLE_SOURCE_ZERO_VALUE_RATE: f64 = 0.5;
/// Of the goods and works processes: `product` or `work` as `mainProcurementCategory`.
pub const LEGACY_CATEGORY_RATE: f64 = 0.3;
/// Of the documents: no `url`.
pub const DOCUMENT_WITHOUT_URL_RATE: f64 = 0.2;

/// The package metadata every page carries, as the API writes it.
pub const API_BASE: &str = "http://ocds.zakupki.gov.kg/api/tendering";
pub const EXTENSIONS: [&str; 3] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.4/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
];
pub const PUBLISHER_NAME: &str = "Ministry of Finance, Public Procurement Department";

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSettings {
    /// How many contracting processes (ocids).
    pub processes: u64,
    pub seed: u64,
    /// Releases per page, as the API's `size`.
    pub page_size: usize,
    /// Processes are published from 1 January of the first year to 31 December of the last.
    pub first_year: i32,
    pub last_year: i32,
    /// How many buyers; by default `min(2000, processes / 2)` (at least 9, one per region), so
    /// that a small feed still has buyers with several processes.
    pub buyers: Option<usize>,
    /// How many suppliers; by default `processes / 5` between 20 and 40,000.
    pub suppliers: Option<usize>,
}

impl Default for GenerateSettings {
    fn default() -> GenerateSettings {
        GenerateSettings {
            processes: 10_000,
            seed: 1,
            page_size: 100,
            first_year: 2019,
            last_year: 2025,
            buyers: None,
            suppliers: None,
        }
    }
}

impl GenerateSettings {
    pub fn buyer_count(&self) -> usize {
        self.buyers
            .unwrap_or_else(|| (self.processes / 2).clamp(9, 2000) as usize)
            .max(1)
    }

    pub fn supplier_count(&self) -> usize {
        self.suppliers
            .unwrap_or_else(|| (self.processes / 5).clamp(20, 40_000) as usize)
            .max(1)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("invalid settings: {0}")]
    Settings(String),
    #[error("{path} already holds generated pages; choose an empty folder")]
    NotEmpty { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A risk pattern the generator plants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// A competitive process with one bid, awarded to it. Near miss: two bids, the cheaper
    /// disqualified.
    SingleBid,
    /// See [`SPLIT_PURCHASE_GROUP`]; every process of the group is listed.
    SplitPurchase,
    /// See [`REPEAT_DIRECT_AWARD_GROUP`]; every process of the group is listed.
    RepeatDirectAward,
    /// Two or three suppliers (a cartel) bid the same amount on the same lot. Near miss: two
    /// bidders with the same amount on different lots.
    IdenticalBidPrices,
    /// The winning bid is dated after the end of the tender period. Near miss: a late bid
    /// that lost.
    LateWinningBid,
    /// Three to five bids on one lot, all but the winner's (the cheapest) disqualified. Near
    /// miss: all but the two cheapest disqualified. Single-bid near misses carry it too.
    AllButWinnerDisqualified,
    /// Three to five bids on one lot, the cheapest disqualified and the next awarded. Near miss:
    /// the second cheapest disqualified. Single-bid near misses carry it too.
    LowestBidDisqualified,
    /// One to three bidders' questions asked before the deadline, at least one never answered.
    /// Near miss: every question answered, the last only after the deadline.
    UnansweredQuestions,
    /// See [`DIRECT_JUST_UNDER`].
    DirectJustUnderThreshold,
    /// See [`CONTRACT_DIFFERS_BY`].
    ContractDiffersFromAward,
    /// See [`LATE_SIGNATURE_DAYS`].
    LateSignature,
    /// See [`HASTY_DECISION_HOURS`].
    HastyDecision,
    /// See [`SLOW_DECISION_DAYS`].
    SlowDecision,
    /// See [`AT_OR_ABOVE_ESTIMATE`].
    AwardAtOrAboveEstimate,
    /// See [`COBIDDING_PAIR_GROUP`]; every process of the group is listed.
    CobiddingPair,
    /// See [`AWARD_WITHOUT_CONTRACT_DAYS`].
    AwardWithoutContract,
    /// See [`BID_PRICE_DISPARITY`].
    BidPriceDisparity,
    /// See [`HEAVILY_DISCOUNTED_BY`].
    HeavilyDiscountedBid,
    /// See [`FIXED_BID_RATIO_GROUP`]; every process of the group is listed.
    FixedBidRatio,
    /// See [`SHARED_ADDRESS_GROUP`]; every process of the group is listed.
    SharedAddress,
    /// See [`MOSTLY_DIRECT_BUYER_GROUP`]; every process of the group is listed, with the buyer.
    MostlyDirectBuyer,
    /// See [`DOMINANT_SUPPLIER_GROUP`]; every process of the group is listed, with the
    /// supplier.
    DominantSupplier,
    /// See [`MARKET_LEADER_GROUP`]; every process of the group is listed, with the supplier.
    MarketLeader,
    /// A buyer's spending concentrated on few suppliers; planted only by the dominant-supplier
    /// groups and their near misses. Near miss: see [`CONCENTRATED_BUYER_NEAR`]. Listed with
    /// the buyer.
    ConcentratedBuyer,
}

impl Pattern {
    pub const ALL: [Pattern; 24] = [
        Pattern::SingleBid,
        Pattern::SplitPurchase,
        Pattern::RepeatDirectAward,
        Pattern::IdenticalBidPrices,
        Pattern::LateWinningBid,
        Pattern::AllButWinnerDisqualified,
        Pattern::LowestBidDisqualified,
        Pattern::UnansweredQuestions,
        Pattern::DirectJustUnderThreshold,
        Pattern::ContractDiffersFromAward,
        Pattern::LateSignature,
        Pattern::HastyDecision,
        Pattern::SlowDecision,
        Pattern::AwardAtOrAboveEstimate,
        Pattern::CobiddingPair,
        Pattern::AwardWithoutContract,
        Pattern::BidPriceDisparity,
        Pattern::HeavilyDiscountedBid,
        Pattern::FixedBidRatio,
        Pattern::SharedAddress,
        Pattern::MostlyDirectBuyer,
        Pattern::DominantSupplier,
        Pattern::ConcentratedBuyer,
        Pattern::MarketLeader,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Pattern::SingleBid => "single_bid",
            Pattern::SplitPurchase => "split_purchase",
            Pattern::RepeatDirectAward => "repeat_direct_award",
            Pattern::IdenticalBidPrices => "identical_bid_prices",
            Pattern::LateWinningBid => "late_winning_bid",
            Pattern::AllButWinnerDisqualified => "all_but_winner_disqualified",
            Pattern::LowestBidDisqualified => "lowest_bid_disqualified",
            Pattern::UnansweredQuestions => "unanswered_questions",
            Pattern::DirectJustUnderThreshold => "direct_just_under_threshold",
            Pattern::ContractDiffersFromAward => "contract_differs_from_award",
            Pattern::LateSignature => "late_signature",
            Pattern::HastyDecision => "hasty_decision",
            Pattern::SlowDecision => "slow_decision",
            Pattern::AwardAtOrAboveEstimate => "award_at_or_above_estimate",
            Pattern::CobiddingPair => "cobidding_pair",
            Pattern::AwardWithoutContract => "award_without_contract",
            Pattern::BidPriceDisparity => "bid_price_disparity",
            Pattern::HeavilyDiscountedBid => "heavily_discounted_bid",
            Pattern::FixedBidRatio => "fixed_bid_ratio",
            Pattern::SharedAddress => "shared_address",
            Pattern::MostlyDirectBuyer => "mostly_direct_buyer",
            Pattern::DominantSupplier => "dominant_supplier",
            Pattern::ConcentratedBuyer => "concentrated_buyer",
            Pattern::MarketLeader => "market_leader",
        }
    }

    /// The share of all processes planted with this pattern.
    pub fn target_share(self) -> f64 {
        match self {
            Pattern::SingleBid => SINGLE_BID_SHARE,
            Pattern::SplitPurchase => SPLIT_PURCHASE_SHARE,
            Pattern::RepeatDirectAward => REPEAT_DIRECT_AWARD_SHARE,
            Pattern::IdenticalBidPrices => IDENTICAL_BID_PRICES_SHARE,
            Pattern::LateWinningBid => LATE_WINNING_BID_SHARE,
            Pattern::AllButWinnerDisqualified => ALL_BUT_WINNER_DISQUALIFIED_SHARE,
            Pattern::LowestBidDisqualified => LOWEST_BID_DISQUALIFIED_SHARE,
            Pattern::UnansweredQuestions => UNANSWERED_QUESTIONS_SHARE,
            Pattern::DirectJustUnderThreshold => DIRECT_JUST_UNDER_THRESHOLD_SHARE,
            Pattern::ContractDiffersFromAward => CONTRACT_DIFFERS_FROM_AWARD_SHARE,
            Pattern::LateSignature => LATE_SIGNATURE_SHARE,
            Pattern::HastyDecision => HASTY_DECISION_SHARE,
            Pattern::SlowDecision => SLOW_DECISION_SHARE,
            Pattern::AwardAtOrAboveEstimate => AWARD_AT_OR_ABOVE_ESTIMATE_SHARE,
            Pattern::CobiddingPair => COBIDDING_PAIR_SHARE,
            Pattern::AwardWithoutContract => AWARD_WITHOUT_CONTRACT_SHARE,
            Pattern::BidPriceDisparity => BID_PRICE_DISPARITY_SHARE,
            Pattern::HeavilyDiscountedBid => HEAVILY_DISCOUNTED_BID_SHARE,
            Pattern::FixedBidRatio => FIXED_BID_RATIO_SHARE,
            Pattern::SharedAddress => SHARED_ADDRESS_SHARE,
            Pattern::MostlyDirectBuyer => MOSTLY_DIRECT_BUYER_SHARE,
            Pattern::DominantSupplier => DOMINANT_SUPPLIER_SHARE,
            Pattern::ConcentratedBuyer => CONCENTRATED_BUYER_SHARE,
            Pattern::MarketLeader => MARKET_LEADER_SHARE,
        }
    }

    /// The share of all processes that are a near miss of this pattern: a buyer of ten
    /// processes or more is planted at twice the share, so that a small feed has some, and a
    /// market leader at half, like its plantings.
    pub fn near_miss_share(self) -> f64 {
        match self {
            Pattern::MostlyDirectBuyer => 2.0 * NEAR_MISS_SHARE,
            Pattern::MarketLeader => MARKET_LEADER_SHARE,
            _ => NEAR_MISS_SHARE,
        }
    }

    /// What the indicator of this pattern flags, as `achyk flags` stores its group: the
    /// process (`ocid`), or the organisation that `planted.jsonl` names (`buyer`, `tenderer`).
    pub fn flagged_group(self) -> &'static str {
        match self {
            Pattern::MostlyDirectBuyer | Pattern::ConcentratedBuyer => "buyer",
            Pattern::DominantSupplier | Pattern::MarketLeader => "tenderer",
            _ => "ocid",
        }
    }

    /// The patterns a near miss of this pattern carries by construction: two bids, the cheaper
    /// disqualified, is one valid bid among two (not a single bid) but also all but the winner
    /// disqualified and the lowest bid disqualified. Such a process is listed once as the near
    /// miss and once as a planted process of each pattern it carries.
    pub fn carried_by_near_miss(self) -> &'static [Pattern] {
        match self {
            Pattern::SingleBid => &[
                Pattern::AllButWinnerDisqualified,
                Pattern::LowestBidDisqualified,
            ],
            Pattern::DominantSupplier => &[Pattern::ConcentratedBuyer],
            _ => &[],
        }
    }

    /// The patterns a planted process of this pattern carries by construction: a supplier with
    /// most of a buyer's money makes that buyer's spending concentrated. Listed like
    /// [`Pattern::carried_by_near_miss`].
    pub fn carried_by_planted(self) -> &'static [Pattern] {
        match self {
            Pattern::DominantSupplier => &[Pattern::ConcentratedBuyer],
            _ => &[],
        }
    }

    /// The share of all processes planted with this pattern on purpose: the target share less
    /// what the plantings and near misses of other patterns carry.
    pub fn own_share(self) -> f64 {
        let carried: f64 = Pattern::ALL
            .iter()
            .map(|other| {
                let mut share = 0.0;
                if other.carried_by_near_miss().contains(&self) {
                    share += other.near_miss_share();
                }
                if other.carried_by_planted().contains(&self) {
                    share += other.target_share();
                }
                share
            })
            .sum();
        (self.target_share() - carried).max(0.0)
    }
}

/// One line of `planted.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planted {
    pub ocid: String,
    pub pattern: Pattern,
    pub near_miss: bool,
    /// For a pattern whose indicator flags an organisation ([`Pattern::flagged_group`]): the
    /// buyer's or the supplier's party id, which the process helps carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
}

/// The realised statistics of a feed (`summary.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub seed: u64,
    pub processes: u64,
    pub releases: u64,
    pub pages: u64,
    pub buyers: u64,
    pub buyers_with_processes: u64,
    pub suppliers: u64,
    pub suppliers_with_bids: u64,
    /// Buyers with processes, by region (ISO 3166-2 code).
    pub buyers_by_region: BTreeMap<String, u64>,
    pub processes_by_region: BTreeMap<String, u64>,
    /// The share of processes held by the top 10% of the buyers that have any.
    pub top_decile_buyer_share: f64,
    /// `2015` and `2022`.
    pub processes_by_law: BTreeMap<String, u64>,
    /// `procurementMethodDetails`, prefixed with the law (`2015 Упрощенный метод`).
    pub processes_by_method: BTreeMap<String, u64>,
    pub direct: u64,
    pub competitive: u64,
    /// Competitive processes re-published with their outcome (awarded or unsuccessful).
    pub competitive_decided: u64,
    /// Competitive processes never re-published.
    pub competitive_open: u64,
    /// Decided competitive processes by number of bids (0 to 8).
    pub bid_counts: Vec<u64>,
    pub single_bid: u64,
    pub multi_lot: u64,
    pub bids: u64,
    pub disqualified_bids: u64,
    pub with_enquiries: u64,
    pub with_complaints: u64,
    pub amended: u64,
    /// Processes with more than one release.
    pub republished: u64,
    pub tender_value_kgs: BTreeMap<String, i64>,
    pub planted: BTreeMap<String, u64>,
    pub near_misses: BTreeMap<String, u64>,
    pub defects: BTreeMap<String, u64>,
}

/// A page of the feed: one release package.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based.
    pub number: usize,
    pub package: Value,
}

impl Page {
    pub fn file_name(&self) -> String {
        page_file_name(self.number)
    }
}

pub fn page_file_name(number: usize) -> String {
    format!("page-{number:06}.json")
}

/// A planned feed, ready to be written page by page.
pub struct Feed {
    settings: GenerateSettings,
    world: World,
    plans: Vec<Plan>,
    /// Every release as (date, process, stage), in the feed's order.
    order: Vec<(i64, u32, Stage)>,
    summary: Summary,
}

impl Feed {
    /// Plans the whole feed and computes its statistics (each process is built once here and
    /// again when its releases are written).
    pub fn new(settings: GenerateSettings) -> Result<Feed, GenerateError> {
        if settings.page_size == 0 {
            return Err(GenerateError::Settings(
                "the page size must be at least 1".into(),
            ));
        }
        if settings.last_year < settings.first_year {
            return Err(GenerateError::Settings(
                "the last year is before the first".into(),
            ));
        }
        if settings.processes > u64::from(u32::MAX) {
            return Err(GenerateError::Settings(
                "at most 4,294,967,295 processes".into(),
            ));
        }
        let mut world = World::new(
            settings.seed,
            settings.buyer_count(),
            settings.supplier_count(),
        );
        let calendar = Calendar::new(&settings);
        let mut plans = process::plan_processes(&settings, &world, &calendar);
        let bidding_pair = |plan: &&Plan| {
            matches!(
                plan.role,
                Role::Planted(Pattern::CobiddingPair) | Role::NearMiss(Pattern::CobiddingPair)
            )
        };
        world.reserved_suppliers = plans
            .iter()
            .filter(bidding_pair)
            .filter_map(|plan| plan.pair)
            .flat_map(|(winner, loser)| [winner, loser])
            .chain(plans.iter().filter_map(|plan| plan.favoured))
            .collect();
        world.kept_apart = plans
            .iter()
            .filter(|plan| !bidding_pair(plan))
            .filter_map(|plan| plan.pair)
            .map(|(one, other)| (one.min(other), one.max(other)))
            .collect();
        process::share_addresses(&plans, &mut world);
        let mut order = Vec::with_capacity(plans.len() * 2);
        let mut tally = Tally::default();
        // Awards without a contract (and their near misses) are dated against the feed's
        // latest date, so they are built last, once every other process is. Market leaders
        // are valued against their market, so they are built once more after that (their
        // dates do not depend on their values, and count towards the latest date).
        let mut latest: Option<i64> = None;
        let mut markets = process::Markets::default();
        for (index, plan) in plans.iter().enumerate() {
            if plan.dated_from_latest() {
                continue;
            }
            let built = process::build(plan, &world);
            latest = latest.max(built.latest_date());
            if plan.sized_to_market() {
                continue;
            }
            markets.add(&built);
            for &(stage, date) in &built.releases {
                order.push((date, index as u32, stage));
            }
            tally.add(plan, &built, &world);
        }
        let latest = latest.unwrap_or(calendar.end_day * random::SECONDS_PER_DAY);
        for (index, plan) in plans.iter_mut().enumerate() {
            if !plan.dated_from_latest() {
                continue;
            }
            process::date_from_latest(plan, &world, &calendar, latest);
            let built = process::build(plan, &world);
            markets.add(&built);
            for &(stage, date) in &built.releases {
                order.push((date, index as u32, stage));
            }
            tally.add(plan, &built, &world);
        }
        process::size_to_markets(&mut plans, &world, &markets);
        for (index, plan) in plans.iter().enumerate() {
            if !plan.sized_to_market() {
                continue;
            }
            let built = process::build(plan, &world);
            for &(stage, date) in &built.releases {
                order.push((date, index as u32, stage));
            }
            tally.add(plan, &built, &world);
        }
        process::number_plans(&mut plans);
        order.sort_unstable();
        let summary = tally.finish(&settings, &world, order.len() as u64);
        Ok(Feed {
            settings,
            world,
            plans,
            order,
            summary,
        })
    }

    pub fn settings(&self) -> &GenerateSettings {
        &self.settings
    }

    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// The processes that carry a planted pattern or a near miss, in planning order (a process
    /// that carries another pattern is listed again as planted with it, see
    /// [`Pattern::carried_by_near_miss`] and [`Pattern::carried_by_planted`]), each with the
    /// organisation its indicator flags when that is not the process.
    pub fn planted(&self) -> Vec<Planted> {
        self.plans
            .iter()
            .flat_map(|plan| {
                let (pattern, near_miss) = match plan.role {
                    Role::Background => return Vec::new(),
                    Role::Planted(pattern) => (pattern, false),
                    Role::NearMiss(pattern) => (pattern, true),
                };
                let carried: &[Pattern] = if near_miss {
                    pattern.carried_by_near_miss()
                } else {
                    pattern.carried_by_planted()
                };
                let line = |pattern: Pattern, near_miss: bool| Planted {
                    ocid: plan.ocid(),
                    pattern,
                    near_miss,
                    organisation: self.organisation(plan, pattern),
                };
                let mut lines = vec![line(pattern, near_miss)];
                lines.extend(carried.iter().map(|&pattern| line(pattern, false)));
                lines
            })
            .collect()
    }

    /// The organisation a process helps carry a pattern for, when the pattern's indicator
    /// flags organisations: the buyer, or the group's favoured supplier.
    fn organisation(&self, plan: &Plan, pattern: Pattern) -> Option<String> {
        match pattern.flagged_group() {
            "buyer" => Some(self.world.buyers[plan.buyer as usize].party_id.clone()),
            "tenderer" => plan
                .favoured
                .map(|supplier| self.world.suppliers[supplier as usize].party_id.clone()),
            _ => None,
        }
    }

    pub fn page_count(&self) -> usize {
        self.order.len().div_ceil(self.settings.page_size)
    }

    /// The `since` cursor before the page at `index` (0-based): the date of the previous
    /// page's last release, or the start of the span.
    fn since(&self, index: usize) -> String {
        let time = if index == 0 {
            random::days_from_civil(i64::from(self.settings.first_year), 1, 1)
                * random::SECONDS_PER_DAY
        } else {
            self.order[index * self.settings.page_size - 1].0
        };
        format!(
            "{}?since={}&size={}",
            API_BASE,
            since_parameter(time),
            self.settings.page_size
        )
    }

    /// The page at `index` (0-based).
    pub fn page(&self, index: usize) -> Option<Page> {
        let size = self.settings.page_size;
        let start = index.checked_mul(size)?;
        if start >= self.order.len() {
            return None;
        }
        let entries = &self.order[start..(start + size).min(self.order.len())];
        let releases: Vec<Value> = entries
            .iter()
            .map(|&(date, process, stage)| {
                let plan = &self.plans[process as usize];
                let built = process::build(plan, &self.world);
                render::release(plan, &built, &self.world, stage, date)
            })
            .collect();
        let last_date = entries.last().expect("a page is never empty").0;
        let next = (index + 1 < self.page_count()).then(|| self.since(index + 1));
        let prev = (index > 0).then(|| self.since(index - 1));
        Some(Page {
            number: index + 1,
            package: json!({
                "uri": self.since(index),
                "version": "1.1",
                "extensions": EXTENSIONS,
                "publisher": {"name": PUBLISHER_NAME},
                "publishedDate": random::format_time(last_date),
                "releases": releases,
                "links": {"next": next, "prev": prev},
            }),
        })
    }

    pub fn pages(&self) -> impl Iterator<Item = Page> + '_ {
        (0..self.page_count()).filter_map(|index| self.page(index))
    }

    /// Writes the pages, `planted.jsonl`, `summary.json` and `projects.json` (OC4IDS) into
    /// `folder` (created if missing; it must not already hold pages).
    pub fn write_to(&self, folder: &Path) -> Result<WrittenFeed, GenerateError> {
        let io_error = |path: &Path| {
            let path = path.to_path_buf();
            move |source| GenerateError::Io { path, source }
        };
        std::fs::create_dir_all(folder).map_err(io_error(folder))?;
        let existing = std::fs::read_dir(folder).map_err(io_error(folder))?;
        for entry in existing {
            let name = entry.map_err(io_error(folder))?.file_name();
            let name = name.to_string_lossy();
            if name.starts_with("page-") && name.ends_with(".json") {
                return Err(GenerateError::NotEmpty {
                    path: folder.to_path_buf(),
                });
            }
        }
        // Pages are rendered in parallel, a batch at a time, and written in order: the bytes
        // do not depend on the number of threads, and memory stays at one batch of pages.
        let mut pages = Vec::with_capacity(self.page_count());
        let batch = 4 * rayon::current_num_threads().max(1);
        for first in (0..self.page_count()).step_by(batch) {
            let last = (first + batch).min(self.page_count());
            let rendered: Vec<(String, Vec<u8>)> = (first..last)
                .into_par_iter()
                .filter_map(|index| self.page(index))
                .map(|page| {
                    let text =
                        serde_json::to_vec(&page.package).expect("a Value always serialises");
                    (page.file_name(), text)
                })
                .collect();
            for (name, text) in rendered {
                let path = folder.join(name);
                write_json(&path, |writer| writer.write_all(&text))?;
                pages.push(path);
            }
        }
        let planted_path = folder.join("planted.jsonl");
        let planted = self.planted();
        write_json(&planted_path, |writer| {
            for line in &planted {
                serde_json::to_writer(&mut *writer, line).map_err(std::io::Error::from)?;
                writer.write_all(b"\n")?;
            }
            Ok(())
        })?;
        let summary_path = folder.join("summary.json");
        write_json(&summary_path, |writer| {
            serde_json::to_writer_pretty(&mut *writer, &self.summary)
                .map_err(std::io::Error::from)?;
            writer.write_all(b"\n")
        })?;
        let projects_path = folder.join(PROJECTS_FILE);
        write_json(&projects_path, |writer| {
            self.write_projects(&mut *writer)?;
            writer.write_all(b"\n")
        })?;
        Ok(WrittenFeed {
            pages,
            planted: planted_path,
            summary: summary_path,
            projects: projects_path,
        })
    }
}

/// What [`write_feed`] wrote.
#[derive(Debug, Clone)]
pub struct WrittenFeed {
    /// The page files, in feed order.
    pub pages: Vec<PathBuf>,
    pub planted: PathBuf,
    pub summary: PathBuf,
    /// The OC4IDS project package made from the feed's works contracts.
    pub projects: PathBuf,
}

/// The name of the project package [`Feed::write_to`] writes beside the pages.
pub const PROJECTS_FILE: &str = "projects.json";

fn write_json(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), GenerateError> {
    let result = File::create(path).and_then(|file| {
        let mut writer = BufWriter::with_capacity(1 << 20, file);
        write(&mut writer)?;
        writer.flush()
    });
    result.map_err(|source| GenerateError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The API's `since` parameter: seconds, hundredths and the percent-encoded `+06:00`.
fn since_parameter(local_seconds: i64) -> String {
    let time = random::format_time(local_seconds);
    format!("{}.00%2B06:00", time.trim_end_matches("+06:00"))
}

/// Plans a feed and yields its pages.
pub fn pages(settings: GenerateSettings) -> Result<impl Iterator<Item = Page>, GenerateError> {
    let feed = Feed::new(settings)?;
    Ok((0..feed.page_count()).filter_map(move |index| feed.page(index)))
}

/// Plans a feed and writes it to `folder`; see [`Feed::write_to`].
pub fn write_feed(
    settings: GenerateSettings,
    folder: &Path,
) -> Result<(Summary, WrittenFeed), GenerateError> {
    let feed = Feed::new(settings)?;
    let written = feed.write_to(folder)?;
    Ok((feed.summary, written))
}

/// Counts what the summary reports, process by process.
#[derive(Default)]
struct Tally {
    summary: Summary,
    processes_per_buyer: Vec<u64>,
    suppliers_seen: HashSet<u32>,
}

impl Tally {
    fn add(&mut self, plan: &Plan, built: &Process, world: &World) {
        let summary = &mut self.summary;
        if self.processes_per_buyer.is_empty() {
            self.processes_per_buyer = vec![0; world.buyers.len()];
        }
        self.processes_per_buyer[plan.buyer as usize] += 1;
        let region = world.buyers[plan.buyer as usize].place.region.iso_code();
        *summary
            .processes_by_region
            .entry(region.into())
            .or_default() += 1;
        let law = match plan.law {
            Law::Of2015 => "2015",
            Law::Of2022 => "2022",
        };
        *summary.processes_by_law.entry(law.into()).or_default() += 1;
        *summary
            .processes_by_method
            .entry(format!("{law} {}", plan.method.details()))
            .or_default() += 1;
        summary.processes += 1;
        if built.releases.len() > 1 {
            summary.republished += 1;
        }
        if summary.bid_counts.is_empty() {
            summary.bid_counts = vec![0; 9];
        }
        let mut defect = |name: &str, happened: bool| {
            if happened {
                *summary.defects.entry(name.into()).or_default() += 1;
            }
        };
        defect(
            "procuring_entity_id_is_name",
            built.procuring_entity_id_is_name,
        );
        defect("no_buyer", !built.has_buyer);
        defect(
            "release_date_is_export_time",
            built.result_date_is_export_time,
        );
        defect(
            "category_product_or_work",
            built.category_label != built.category.code(),
        );
        defect("single_source_as_open", built.single_source_as_open);
        defect("zero_lot_values", built.zero_values);
        let without_url = built
            .documents
            .iter()
            .filter(|document| !document.with_url)
            .count();
        *summary
            .defects
            .entry("documents_without_url".into())
            .or_default() += without_url as u64;
        *summary.defects.entry("documents".into()).or_default() += built.documents.len() as u64;
        let out_of_codelist = built
            .awards
            .iter()
            .filter(|award| matches!(award.status, "disqualified" | "rejected"))
            .count();
        *summary
            .defects
            .entry("award_status_out_of_codelist".into())
            .or_default() += out_of_codelist as u64;

        for bid in &built.bids {
            self.suppliers_seen.insert(bid.supplier);
        }
        if plan.method.is_direct() {
            summary.direct += 1;
        } else {
            summary.competitive += 1;
            match built.outcome {
                Outcome::Open => summary.competitive_open += 1,
                _ => {
                    summary.competitive_decided += 1;
                    summary.bid_counts[built.bids.len().min(8)] += 1;
                    if built.bids.len() == 1 {
                        summary.single_bid += 1;
                    }
                }
            }
            summary.bids += built.bids.len() as u64;
            summary.disqualified_bids += built
                .bids
                .iter()
                .filter(|bid| bid.status == BidStatus::Disqualified)
                .count() as u64;
            if built.lots.len() > 1 {
                summary.multi_lot += 1;
            }
            if !built.enquiries.is_empty() {
                summary.with_enquiries += 1;
            }
            if built.complaint.is_some() {
                summary.with_complaints += 1;
            }
            if built.amendment.is_some() {
                summary.amended += 1;
            }
        }
        let value_bucket = match built.value {
            ..100_000 => "under 100k",
            100_000..1_000_000 => "100k to 1M",
            1_000_000..10_000_000 => "1M to 10M",
            _ => "10M and over",
        };
        *summary
            .tender_value_kgs
            .entry(value_bucket.into())
            .or_default() += 1;
        match plan.role {
            Role::Background => {}
            Role::Planted(pattern) => {
                *summary.planted.entry(pattern.code().into()).or_default() += 1;
                for carried in pattern.carried_by_planted() {
                    *summary.planted.entry(carried.code().into()).or_default() += 1;
                }
            }
            Role::NearMiss(pattern) => {
                *summary
                    .near_misses
                    .entry(pattern.code().into())
                    .or_default() += 1;
                for carried in pattern.carried_by_near_miss() {
                    *summary.planted.entry(carried.code().into()).or_default() += 1;
                }
            }
        }
    }

    fn finish(mut self, settings: &GenerateSettings, world: &World, releases: u64) -> Summary {
        let summary = &mut self.summary;
        summary.seed = settings.seed;
        summary.releases = releases;
        summary.pages = releases.div_ceil(settings.page_size as u64);
        summary.buyers = world.buyers.len() as u64;
        summary.suppliers = world.suppliers.len() as u64;
        summary.suppliers_with_bids = self.suppliers_seen.len() as u64;
        if summary.bid_counts.is_empty() {
            summary.bid_counts = vec![0; 9];
        }
        for pattern in Pattern::ALL {
            summary.planted.entry(pattern.code().into()).or_default();
            summary
                .near_misses
                .entry(pattern.code().into())
                .or_default();
        }
        let mut counts: Vec<(u64, usize)> = self
            .processes_per_buyer
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(buyer, &count)| (count, buyer))
            .collect();
        summary.buyers_with_processes = counts.len() as u64;
        for &(_, buyer) in &counts {
            let region = world.buyers[buyer].place.region.iso_code();
            *summary.buyers_by_region.entry(region.into()).or_default() += 1;
        }
        counts.sort_unstable_by(|a, b| b.cmp(a));
        let top = counts.len().div_ceil(10);
        let top_processes: u64 = counts[..top].iter().map(|&(count, _)| count).sum();
        summary.top_decile_buyer_share = if summary.processes == 0 {
            0.0
        } else {
            top_processes as f64 / summary.processes as f64
        };
        self.summary
    }
}
