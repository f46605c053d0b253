//! `top10`: the "Top 10 shows by country per day" pipeline, end to end, on a
//! laptop. The modules follow the data's path:
//! [`generate`] → [`lake`] → [`pipeline`] → [`warehouse`] → [`query`], with
//! [`cli`] dispatching commands and [`sample`] providing the built-in lake.

pub mod bench;
pub mod checks;
pub mod cli;
pub mod db;
pub mod error;
pub mod generate;
pub mod lake;
pub mod lineage;
pub mod output;
pub mod parse;
pub mod pipeline;
pub mod queries;
pub mod query;
pub mod sample;
pub mod tui;
pub mod warehouse;
