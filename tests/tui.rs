//! The explorer: screens as named snapshots, scripted journeys, the event loop, and the
//! real binary in tmux.

mod e2e;
mod finishing;
mod fitting;
mod habits;
mod journey;
mod overlays;
mod reach;
mod sample;
mod screens;
mod shape;
mod truth;
mod views;
mod watching;
