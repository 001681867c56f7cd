#pragma once
/// Scanned-payload classification and our own signed QR codes (docs/qr-format.md).
/// Pure functions, no database: the check-in engine, the scanner preview and the fuzzer use them.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiosk::core {

/// Which system a payload comes from, recognised by its shape alone (see FORMATS.md).
enum class CodeKind { Kiosk, Pretix, PretixSigned, Eventbrite, IndicoV2, IndicoLegacy, HiEvents, Unknown };
/// "kiosk", "pretix", "pretix", "eventbrite", "indico", "indico", "hievents", "unknown" — the
/// value stored in codes.kind and reported in ScanResult::codeKind.
std::string_view codeKindName(CodeKind k);

struct ClassifiedPayload {
    CodeKind kind = CodeKind::Unknown;
    /// The value to look up in the codes table: the payload itself for most kinds, the
    /// registration UUID (lower-case, dashed) for Indico, the canonical text for our own codes.
    std::string lookup;
};
/// Classify an already sanitized payload. Never fails: anything unrecognised is Unknown and is
/// still looked up by exact match (generic imports may carry any code).
ClassifiedPayload classifyPayload(std::string_view sanitized);

// --- our own codes ------------------------------------------------------------------------------

inline constexpr std::string_view kOwnCodePrefix = "KQ1:";
inline constexpr std::size_t kCodeIdBytes = 10;

struct OwnCode {
    std::string eventId;
    std::array<unsigned char, kCodeIdBytes> codeId{};
};
enum class OwnCodeCheck { Valid, Malformed, WrongEvent, BadSignature };

/// "KQ1:" + base32 (RFC 4648 alphabet, no padding: QR alphanumeric mode) of
/// [len(eventId)] eventId codeId signature(64). secretKey: libsodium Ed25519 secret key (64 bytes).
std::string encodeOwnCode(const OwnCode& code, const unsigned char* secretKey);
/// Decode without verifying (nullopt = malformed).
std::optional<OwnCode> decodeOwnCode(std::string_view payload);
/// Decode and verify against our event; publicKey: 32 bytes. Case-insensitive in the base32 part.
OwnCodeCheck verifyOwnCode(std::string_view payload, std::string_view eventId, const unsigned char* publicKey);

// --- text helpers shared with search and the UI ----------------------------------------------------

/// Accent- and case-folding of UTF-8 text for search: Latin-1, Latin Extended-A/B, Greek and
/// Cyrillic to lower case without diacritics ("Zoë Dvořák" → "zoe dvorak", "ß" → "ss").
/// Invalid UTF-8 bytes are dropped.
std::string foldForSearch(std::string_view utf8);

}  // namespace kiosk::core
