#pragma once
// Identifiers that stay unique when logs of several kiosks on several machines are merged.
#include <string>

namespace kiosk::core::ids {

/// 32 lower-case hex digits: 48 bits of UTC milliseconds (so ids sort by creation time and
/// append to indexes) followed by 80 random bits from libsodium.
std::string newId();
/// A short reference a visitor reads out to the help desk: "K7F-3QA". Alphabet without the
/// look-alikes 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, so it survives being read aloud or hand-written.
std::string newCaseRef();

}  // namespace kiosk::core::ids
