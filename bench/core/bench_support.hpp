#pragma once
// Shared by the core benchmarks: deterministic attendees with Brussels names (diacritics
// included), percentiles, and where a database file really lives.
#include <kiosk/core.hpp>

#include <string>
#include <vector>

namespace kiosk::bench {

/// n attendees as import rows (externalSource "generic", externalId "bench-000001"…). The same
/// n gives the same people on every run. Names combine pools of Belgian, Moroccan, Turkish,
/// Congolese, Polish, Czech, Romanian, Portuguese… names, so "zoe dvor", "lef" and "sükrü" all
/// have matches.
core::ImportBatch makePeople(int n);

/// The p-th percentile (0–100) of samples in milliseconds (nearest rank).
double percentile(std::vector<double> samples, double p);

/// "device fstype (rotational|ssd/virtual)" for the file system holding path.
std::string describeDisk(const std::string& path);

/// A fresh folder under base (mkdtemp); empty on failure.
std::string makeTempDir(const std::string& base);

/// An event with doors open for a day around now.
core::Event benchEvent();

}  // namespace kiosk::bench
