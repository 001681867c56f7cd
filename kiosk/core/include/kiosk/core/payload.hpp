#pragma once
/// Scanned-payload classification and our own signed QR codes (docs/qr-format.md).
/// Pure functions, no database: the check-in engine, the scanner preview and the fuzzer use them.
#include <kiosk/core/result.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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
    /// Indico: the server that issued the ticket ("indico.example.org", lower case; from the
    /// compact form's host or the older form's server_url). Empty for other kinds.
    std::string issuer;
    /// Indico ≥ 3.3: the accompanying person's id (the compact form's 4th element), empty for the
    /// registrant's own ticket. Looked up as lookup + "/" + companion.
    std::string companion;
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
OwnCodeCheck verifyOwnCode(std::string_view payload, std::string_view eventId,
                           const unsigned char* publicKey);

// --- text helpers shared with search and the UI ----------------------------------------------------

/// Accent- and case-folding of UTF-8 text for search: Latin-1, Latin Extended-A/B, Greek and
/// Cyrillic to lower case without diacritics ("Zoë Dvořák" → "zoe dvorak", "ß" → "ss").
/// Invalid UTF-8 bytes are dropped.
std::string foldForSearch(std::string_view utf8);

// --- pretix signed tickets (pretix_sig1, docs/qr-format.md) ------------------------------------

/// The protobuf `Ticket` message a pretix_sig1 code carries. Times are Unix seconds; 0 = no limit.
struct PretixTicket {
    std::string seed;  ///< pretix's random ticket id inside the code (9 characters in practice)
    int64_t item = 0;
    int64_t variation = 0;
    int64_t subevent = 0;
    int64_t validFrom = 0;
    int64_t validUntil = 0;
    bool operator==(const PretixTicket&) const = default;
};
using Ed25519PublicKey = std::array<unsigned char, 32>;

/// Protobuf wire reader for `Ticket`: varints of at most 10 bytes, length-delimited fields inside
/// the input, unknown fields skipped, groups and wrong wire types refused, a seed of at most 256
/// bytes of valid UTF-8. Never allocates more than the seed. nullopt = malformed.
std::optional<PretixTicket> parsePretixTicket(std::string_view protobufBytes);
/// The same message as pretix's generator writes it (proto3: zero fields left out).
std::string serializePretixTicket(const PretixTicket& t);

struct PretixEnvelope {
    std::string payload;    ///< the protobuf bytes, what the signature covers
    std::string signature;  ///< 64 bytes
};
/// Reverse, standard base64, version byte 0x01, big-endian 16-bit payload and signature lengths,
/// then exactly that many bytes. At most 4 KiB of text. nullopt = malformed.
std::optional<PretixEnvelope> decodePretixEnvelope(std::string_view scanned);

enum class PretixCheck { Valid, Malformed, BadSignature };
struct PretixVerification {
    PretixCheck check = PretixCheck::Malformed;
    PretixTicket ticket;  ///< only for Valid
    int keyIndex = -1;    ///< which of the keys verified it
};
/// Decode and verify against each key in turn (key rotation: several may be valid at once).
PretixVerification verifyPretixSigned(std::string_view scanned, std::span<const Ed25519PublicKey> keys);
/// Sign `t` with a libsodium Ed25519 secret key (64 bytes) and encode it as pretix does. For tests,
/// the demo and tools: the kiosk never holds pretix's secret key.
std::string encodePretixSigned(const PretixTicket& t, const unsigned char* secretKey);

/// The key of a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo holding an Ed25519 key).
std::optional<Ed25519PublicKey> parseEd25519Pem(std::string_view pem);
std::string ed25519Pem(const Ed25519PublicKey& key);
/// The keys of a file given to `kiosk event --pretix-keys`: pretix's event object from the REST
/// API as JSON (`valid_keys` → `pretix_sig1`: base64 of a PEM each), PEM text with one or more
/// keys, or the base64 of a PEM on its own. Errors say what was expected.
Result<std::vector<Ed25519PublicKey>> parsePretixKeyFile(std::string_view text);
/// Short fingerprint shown to the organiser: the first 8 bytes of SHA-256 over the key's DER
/// (SubjectPublicKeyInfo) in hex pairs, "3f:a9:…" (16 hex digits).
std::string keyFingerprint(const Ed25519PublicKey& key);

}  // namespace kiosk::core
