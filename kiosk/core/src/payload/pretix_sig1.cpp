// pretix signed tickets ("pretix_sig1"), verified offline: the envelope, a small protobuf wire
// reader for the `Ticket` message, Ed25519 keys from PEM / pretix's event JSON. Pure functions;
// the format is documented in docs/qr-format.md and fuzzed by fuzz/fuzz_pretix_sig1.cpp.
//
// A hand-written reader rather than Debian's libprotobuf-lite: the message has six scalar
// fields, the reader is ~80 lines that allocate nothing but the seed, bound every length by the
// input, and can be fuzzed on its own; libprotobuf would add a code generator to the build and
// a large C++ runtime to a parser whose input is hostile by definition.
#include "text/utf8.hpp"

#include <kiosk/core/payload.hpp>

#include <sodium.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>

namespace kiosk::core {

namespace {

constexpr std::size_t kMaxScannedChars = 4096;
constexpr std::size_t kMaxSeedBytes = 256;
constexpr unsigned char kVersion = 0x01;
// DER of SubjectPublicKeyInfo { AlgorithmIdentifier { id-Ed25519 (1.3.101.112) }, BIT STRING }:
// every Ed25519 public key in that form is these 12 bytes followed by the 32 key bytes.
constexpr unsigned char kSpkiPrefix[12] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                           0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr std::string_view kPemBegin = "-----BEGIN PUBLIC KEY-----";
constexpr std::string_view kPemEnd = "-----END PUBLIC KEY-----";

enum class Wire { Varint = 0, Fixed64 = 1, Bytes = 2, Fixed32 = 5 };

/// Reads protobuf wire format from a bounded buffer; every read checks what is left.
class WireReader {
public:
    explicit WireReader(std::string_view in)
        : m_p(reinterpret_cast<const unsigned char*>(in.data())), m_end(m_p + in.size()) {}
    bool done() const { return m_p == m_end; }

    bool varint(uint64_t& v) {
        v = 0;
        for (int i = 0; i < 10; ++i) {
            if (m_p == m_end) return false;
            const unsigned char b = *m_p++;
            if (i == 9 && b > 1) return false;  // more than 64 bits
            v |= static_cast<uint64_t>(b & 0x7F) << (7 * i);
            if (!(b & 0x80)) return true;
        }
        return false;
    }
    bool bytes(std::string_view& out) {
        uint64_t n = 0;
        if (!varint(n) || n > static_cast<uint64_t>(m_end - m_p)) return false;
        out = std::string_view(reinterpret_cast<const char*>(m_p), static_cast<std::size_t>(n));
        m_p += n;
        return true;
    }
    bool skip(std::size_t n) {
        if (n > static_cast<std::size_t>(m_end - m_p)) return false;
        m_p += n;
        return true;
    }

private:
    const unsigned char* m_p;
    const unsigned char* m_end;
};

bool validUtf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(s, i, cp);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

void putVarint(std::string& out, uint64_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}

std::optional<std::vector<unsigned char>> base64Standard(std::string_view s) {
    std::vector<unsigned char> out(s.size() / 4 * 3 + 3);
    for (const int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING}) {
        std::size_t len = 0;
        const char* end = nullptr;
        if (sodium_base642bin(out.data(), out.size(), s.data(), s.size(), nullptr, &len, &end, variant) ==
                0 &&
            end == s.data() + s.size()) {
            out.resize(len);
            return out;
        }
    }
    return std::nullopt;
}

std::string base64Encode(const unsigned char* data, std::size_t n) {
    std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::array<unsigned char, 44> spkiDer(const Ed25519PublicKey& key) {
    std::array<unsigned char, 44> der{};
    std::copy(std::begin(kSpkiPrefix), std::end(kSpkiPrefix), der.begin());
    std::copy(key.begin(), key.end(), der.begin() + sizeof kSpkiPrefix);
    return der;
}

bool pemBlocks(std::string_view text, std::vector<Ed25519PublicKey>& out, std::string& problem) {
    std::size_t pos = 0;
    while ((pos = text.find(kPemBegin, pos)) != std::string_view::npos) {
        const std::size_t bodyStart = pos + kPemBegin.size();
        const std::size_t endAt = text.find(kPemEnd, bodyStart);
        if (endAt == std::string_view::npos) {
            problem = "a PEM block has no \"" + std::string(kPemEnd) + "\" line";
            return false;
        }
        const auto key = parseEd25519Pem(text.substr(pos, endAt + kPemEnd.size() - pos));
        if (!key) {
            problem = "a PEM block is not an Ed25519 public key (pretix_sig1 keys are Ed25519)";
            return false;
        }
        out.push_back(*key);
        pos = endAt + kPemEnd.size();
    }
    return true;
}

}  // namespace

std::optional<PretixTicket> parsePretixTicket(std::string_view in) {
    WireReader r(in);
    PretixTicket t;
    while (!r.done()) {
        uint64_t tag = 0;
        if (!r.varint(tag)) return std::nullopt;
        const uint64_t field = tag >> 3;
        const auto wire = static_cast<Wire>(tag & 7);
        if (field == 0 || field > 0x1FFFFFFF) return std::nullopt;
        int64_t* number = nullptr;
        switch (field) {
            case 2:
                number = &t.item;
                break;
            case 3:
                number = &t.variation;
                break;
            case 4:
                number = &t.subevent;
                break;
            case 5:
                number = &t.validFrom;
                break;
            case 6:
                number = &t.validUntil;
                break;
            default:
                break;
        }
        if (field == 1) {  // string seed
            std::string_view s;
            if (wire != Wire::Bytes || !r.bytes(s) || s.size() > kMaxSeedBytes || !validUtf8(s))
                return std::nullopt;
            t.seed.assign(s);  // proto3: the last occurrence wins
            continue;
        }
        if (number) {  // int64: two's complement in a varint
            uint64_t v = 0;
            if (wire != Wire::Varint || !r.varint(v)) return std::nullopt;
            *number = static_cast<int64_t>(v);
            continue;
        }
        // Unknown field (a newer pretix may add some): skip it by its wire type.
        bool ok = false;
        switch (wire) {
            case Wire::Varint: {
                uint64_t v = 0;
                ok = r.varint(v);
                break;
            }
            case Wire::Fixed64:
                ok = r.skip(8);
                break;
            case Wire::Fixed32:
                ok = r.skip(4);
                break;
            case Wire::Bytes: {
                std::string_view s;
                ok = r.bytes(s);
                break;
            }
            default:
                ok = false;  // groups (3, 4) and the reserved types 6, 7
        }
        if (!ok) return std::nullopt;
    }
    return t;
}

std::string serializePretixTicket(const PretixTicket& t) {
    std::string out;
    if (!t.seed.empty()) {
        out += static_cast<char>((1 << 3) | 2);
        putVarint(out, t.seed.size());
        out += t.seed;
    }
    const std::pair<int, int64_t> numbers[] = {
        {2, t.item}, {3, t.variation}, {4, t.subevent}, {5, t.validFrom}, {6, t.validUntil}};
    for (const auto& [field, value] : numbers) {
        if (value == 0) continue;
        out += static_cast<char>(field << 3);
        putVarint(out, static_cast<uint64_t>(value));
    }
    return out;
}

std::optional<PretixEnvelope> decodePretixEnvelope(std::string_view scanned) {
    if (scanned.empty() || scanned.size() > kMaxScannedChars || sodium_init() < 0) return std::nullopt;
    const std::string reversed(scanned.rbegin(), scanned.rend());
    const auto raw = base64Standard(reversed);
    if (!raw || raw->size() < 5 || (*raw)[0] != kVersion) return std::nullopt;
    const std::size_t payloadLen = (std::size_t{(*raw)[1]} << 8) | (*raw)[2];
    const std::size_t sigLen = (std::size_t{(*raw)[3]} << 8) | (*raw)[4];
    // Exactly the announced bytes: a truncated code, or one with bytes appended, is not pretix's.
    if (sigLen != crypto_sign_BYTES || raw->size() != 5 + payloadLen + sigLen) return std::nullopt;
    PretixEnvelope e;
    e.payload.assign(reinterpret_cast<const char*>(raw->data()) + 5, payloadLen);
    e.signature.assign(reinterpret_cast<const char*>(raw->data()) + 5 + payloadLen, sigLen);
    return e;
}

PretixVerification verifyPretixSigned(std::string_view scanned, std::span<const Ed25519PublicKey> keys) {
    PretixVerification v;
    const auto env = decodePretixEnvelope(scanned);
    if (!env) return v;
    auto ticket = parsePretixTicket(env->payload);
    if (!ticket) return v;
    v.check = PretixCheck::BadSignature;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(env->signature.data()),
                                        reinterpret_cast<const unsigned char*>(env->payload.data()),
                                        env->payload.size(), keys[i].data()) == 0) {
            v.check = PretixCheck::Valid;
            v.ticket = std::move(*ticket);
            v.keyIndex = static_cast<int>(i);
            return v;
        }
    }
    return v;
}

std::string encodePretixSigned(const PretixTicket& t, const unsigned char* secretKey) {
    if (sodium_init() < 0) return {};
    const std::string payload = serializePretixTicket(t);
    if (payload.size() > 0xFFFF) return {};
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                         secretKey);
    std::vector<unsigned char> raw{kVersion, static_cast<unsigned char>(payload.size() >> 8),
                                   static_cast<unsigned char>(payload.size() & 0xFF), 0, crypto_sign_BYTES};
    raw.insert(raw.end(), payload.begin(), payload.end());
    raw.insert(raw.end(), sig, sig + sizeof sig);
    std::string text = base64Encode(raw.data(), raw.size());
    std::reverse(text.begin(), text.end());
    return text;
}

std::optional<Ed25519PublicKey> parseEd25519Pem(std::string_view pem) {
    if (sodium_init() < 0) return std::nullopt;
    const std::size_t b = pem.find(kPemBegin);
    if (b == std::string_view::npos) return std::nullopt;
    const std::size_t bodyStart = b + kPemBegin.size();
    const std::size_t e = pem.find(kPemEnd, bodyStart);
    if (e == std::string_view::npos || e - bodyStart > 1024) return std::nullopt;
    const std::string_view body = pem.substr(bodyStart, e - bodyStart);
    unsigned char der[128];
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(der, sizeof der, body.data(), body.size(), " \t\r\n", &len, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != body.data() + body.size())
        return std::nullopt;
    if (len != sizeof kSpkiPrefix + 32 || std::memcmp(der, kSpkiPrefix, sizeof kSpkiPrefix) != 0)
        return std::nullopt;
    Ed25519PublicKey key{};
    std::copy_n(der + sizeof kSpkiPrefix, key.size(), key.begin());
    return key;
}

std::string ed25519Pem(const Ed25519PublicKey& key) {
    const auto der = spkiDer(key);
    return std::string(kPemBegin) + "\n" + base64Encode(der.data(), der.size()) + "\n" +
           std::string(kPemEnd) + "\n";
}

Result<std::vector<Ed25519PublicKey>> parsePretixKeyFile(std::string_view text) {
    if (sodium_init() < 0) return Error{"crypto.init", "libsodium failed to initialise"};
    std::vector<Ed25519PublicKey> keys;
    std::string problem;
    const auto first = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    if (first != std::string_view::npos && text[first] == '{') {
        const auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded() || !j.is_object())
            return Error{"pretix_keys.json", "the file starts like JSON but is not a JSON object"};
        const auto vk = j.find("valid_keys");
        if (vk == j.end() || !vk->is_object() || !vk->contains("pretix_sig1") ||
            !(*vk)["pretix_sig1"].is_array())
            return Error{
                "pretix_keys.no_keys",
                "no \"valid_keys\": {\"pretix_sig1\": [...]} in this JSON: save the event object from "
                "pretix's REST API (GET /api/v1/organizers/ORG/events/EVENT/) with signed tickets on"};
        for (const auto& item : (*vk)["pretix_sig1"]) {
            if (!item.is_string()) return Error{"pretix_keys.bad_key", "a pretix_sig1 key is not a string"};
            const auto pem = base64Standard(item.get_ref<const std::string&>());
            const std::string_view pemText =
                pem ? std::string_view(reinterpret_cast<const char*>(pem->data()), pem->size())
                    : std::string_view{};
            const auto key = pem ? parseEd25519Pem(pemText) : std::nullopt;
            if (!key)
                return Error{"pretix_keys.bad_key",
                             "a pretix_sig1 key is not the base64 of a PEM Ed25519 public key"};
            keys.push_back(*key);
        }
    } else if (text.find(kPemBegin) != std::string_view::npos) {
        if (!pemBlocks(text, keys, problem)) return Error{"pretix_keys.bad_key", problem};
    } else if (first != std::string_view::npos) {
        // The base64 of a PEM on its own, as pretix keeps it in its settings.
        const auto last = text.find_last_not_of(" \t\r\n");
        const auto pem = base64Standard(text.substr(first, last - first + 1));
        if (pem && !pemBlocks(std::string_view(reinterpret_cast<const char*>(pem->data()), pem->size()), keys,
                              problem))
            return Error{"pretix_keys.bad_key", problem};
    }
    if (keys.empty())
        return Error{
            "pretix_keys.no_keys",
            "no pretix_sig1 public key in this file: give pretix's event JSON (with \"valid_keys\") or a "
            "PEM file (-----BEGIN PUBLIC KEY-----)"};
    return keys;
}

std::string keyFingerprint(const Ed25519PublicKey& key) {
    const auto der = spkiDer(key);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, der.data(), der.size());
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i) out += ':';
        out += kHex[h[i] >> 4];
        out += kHex[h[i] & 15];
    }
    return out;
}

}  // namespace kiosk::core
