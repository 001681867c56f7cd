// Payload validation, classification and our own signed codes. Everything here is pure and
// runs before the database sees a scan; the format is documented in docs/qr-format.md.
#include "text/utf8.hpp"

#include <kiosk/core.hpp>
#include <kiosk/core/payload.hpp>

#include <sodium.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace kiosk::core {

namespace {

constexpr std::size_t kMaxPayloadBytes = 4096;
constexpr std::string_view kSignContext = "kiosk-qr-v1";  // domain separation of the signature
constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool startsWithNoCase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::toupper(static_cast<unsigned char>(s[i])) !=
            std::toupper(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

std::string base32Encode(const unsigned char* data, std::size_t n) {
    std::string out;
    out.reserve((n * 8 + 4) / 5);
    unsigned buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < n; ++i) {
        buffer = (buffer << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            out += kBase32[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 31];
    return out;
}

/// Strict: only the canonical encoding is accepted (no padding, unused trailing bits zero), so
/// one code has exactly one spelling apart from letter case.
std::optional<std::vector<unsigned char>> base32Decode(std::string_view s) {
    std::vector<unsigned char> out;
    out.reserve(s.size() * 5 / 8);
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : s) {
        int v;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= 'a' && c <= 'z')
            v = c - 'a';
        else if (c >= '2' && c <= '7')
            v = c - '2' + 26;
        else
            return std::nullopt;
        buffer = ((buffer << 5) | static_cast<unsigned>(v)) & 0xFFFF;
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<unsigned char>((buffer >> (bits - 8)) & 0xFF));
            bits -= 8;
        }
    }
    if (bits >= 5 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

std::vector<unsigned char> signedMessage(std::string_view eventId, const unsigned char* codeId) {
    std::vector<unsigned char> m(kSignContext.begin(), kSignContext.end());
    m.push_back(0);
    m.push_back(static_cast<unsigned char>(eventId.size()));
    m.insert(m.end(), eventId.begin(), eventId.end());
    m.insert(m.end(), codeId, codeId + kCodeIdBytes);
    return m;
}

std::optional<std::vector<unsigned char>> base64Decode(std::string_view s) {
    if (sodium_init() < 0) return std::nullopt;
    std::vector<unsigned char> out(s.size());
    for (const int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                              sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
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

std::string uuidString(const std::vector<unsigned char>& b) {
    char buf[37];
    std::snprintf(buf, sizeof buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                  b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
                  b[14], b[15]);
    return buf;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

ClassifiedPayload classified(CodeKind kind, std::string lookup) {
    ClassifiedPayload p;
    p.kind = kind;
    p.lookup = std::move(lookup);
    return p;
}

/// "https://Indico.Example.org:443/event/7" → "indico.example.org:443"; a bare host stays itself.
std::string hostOf(std::string_view url) {
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
    if (const auto slash = url.find_first_of("/?#"); slash != std::string_view::npos)
        url = url.substr(0, slash);
    if (const auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
    return lower(url);
}

std::optional<ClassifiedPayload> classifyJson(std::string_view s) {
    const auto j = nlohmann::json::parse(s.begin(), s.end(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) return std::nullopt;
    // Indico >= 3.3: {"i":[2,"<host>","<base64 uuid>"(, person)]}; other keys are ignored.
    if (const auto it = j.find("i"); it != j.end() && it->is_array() && it->size() >= 3 &&
                                     (*it)[0].is_number_integer() && (*it)[2].is_string()) {
        const auto bytes = base64Decode((*it)[2].get_ref<const std::string&>());
        if (bytes && bytes->size() == 16) {
            ClassifiedPayload p = classified(CodeKind::IndicoV2, uuidString(*bytes));
            if ((*it)[1].is_string()) p.issuer = hostOf((*it)[1].get_ref<const std::string&>());
            if (it->size() >= 4) {
                const auto& person = (*it)[3];
                if (person.is_string())
                    p.companion = person.get<std::string>().substr(0, 128);
                else if (person.is_number_integer())
                    p.companion = std::to_string(person.get<int64_t>());
            }
            return p;
        }
    }
    // Indico < 3.3: {"registrant_id":…, "checkin_secret":"<uuid>", "server_url":…, …}
    if (const auto it = j.find("checkin_secret"); it != j.end() && it->is_string()) {
        ClassifiedPayload p = classified(CodeKind::IndicoLegacy, lower(it->get_ref<const std::string&>()));
        if (const auto url = j.find("server_url"); url != j.end() && url->is_string())
            p.issuer = hostOf(url->get_ref<const std::string&>());
        return p;
    }
    return std::nullopt;
}

bool isPretixSecret(std::string_view s) {
    static constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    if (s.size() < 12 || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return kAlphabet.find(c) != std::string_view::npos; });
}

bool isPretixSigned(std::string_view s) {
    if (s.size() < 40 || s.size() > 1024) return false;
    const std::string reversed(s.rbegin(), s.rend());
    if (!std::all_of(reversed.begin(), reversed.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
        }))
        return false;
    const auto bytes = base64Decode(reversed);
    return bytes && !bytes->empty() && (*bytes)[0] == 0x01;
}

bool isHiEvents(std::string_view s) {
    return s.size() == 9 && s[0] == 'A' && s[1] == '-' && std::all_of(s.begin() + 2, s.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
           });
}

}  // namespace

std::optional<std::string> sanitizePayload(std::string_view raw) {
    if (raw.size() > kMaxPayloadBytes) return std::nullopt;
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(raw, i, cp);
        if (n == 0) return std::nullopt;
        if (!text::isStrippedControl(cp)) out.append(raw.substr(i, n));
        i += n;
    }
    const auto first = out.find_first_not_of(' ');
    if (first == std::string::npos) return std::nullopt;
    const auto last = out.find_last_not_of(' ');
    return out.substr(first, last - first + 1);
}

std::string escapeForDisplay(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    char buf[16];
    for (std::size_t i = 0; i < raw.size();) {
        char32_t cp = 0;
        const std::size_t n = utf8::decodeAt(raw, i, cp);
        if (n == 0) {
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(raw[i]));
            out += buf;
            ++i;
            continue;
        }
        if (cp == '\\') {
            out += "\\\\";
        } else if (text::isStrippedControl(cp)) {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
            out += buf;
        } else {
            out.append(raw.substr(i, n));
        }
        i += n;
    }
    return out;
}

std::string_view codeKindName(CodeKind k) {
    switch (k) {
        case CodeKind::Kiosk:
            return "kiosk";
        case CodeKind::Pretix:
        case CodeKind::PretixSigned:
            return "pretix";
        case CodeKind::Eventbrite:
            return "eventbrite";
        case CodeKind::IndicoV2:
        case CodeKind::IndicoLegacy:
            return "indico";
        case CodeKind::HiEvents:
            return "hievents";
        case CodeKind::Unknown:
            return "unknown";
    }
    return "unknown";
}

ClassifiedPayload classifyPayload(std::string_view s) {
    if (startsWithNoCase(s, kOwnCodePrefix)) return classified(CodeKind::Kiosk, upper(s));
    if (!s.empty() && s.front() == '{') {
        if (auto j = classifyJson(s)) return *j;
        return classified(CodeKind::Unknown, std::string(s));
    }
    if (isHiEvents(s)) return classified(CodeKind::HiEvents, std::string(s));
    if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return classified(CodeKind::Eventbrite, std::string(s));
    if (isPretixSecret(s)) return classified(CodeKind::Pretix, std::string(s));
    if (isPretixSigned(s)) return classified(CodeKind::PretixSigned, std::string(s));
    return classified(CodeKind::Unknown, std::string(s));
}

std::string encodeOwnCode(const OwnCode& code, const unsigned char* secretKey) {
    if (sodium_init() < 0 || code.eventId.empty() || code.eventId.size() > 64) return {};
    const auto message = signedMessage(code.eventId, code.codeId.data());
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_detached(sig, nullptr, message.data(), message.size(), secretKey);
    std::vector<unsigned char> body;
    body.push_back(static_cast<unsigned char>(code.eventId.size()));
    body.insert(body.end(), code.eventId.begin(), code.eventId.end());
    body.insert(body.end(), code.codeId.begin(), code.codeId.end());
    body.insert(body.end(), sig, sig + sizeof sig);
    return std::string(kOwnCodePrefix) + base32Encode(body.data(), body.size());
}

namespace {
struct DecodedOwn {
    OwnCode code;
    std::array<unsigned char, crypto_sign_BYTES> sig{};
};
std::optional<DecodedOwn> decodeWithSignature(std::string_view payload) {
    if (!startsWithNoCase(payload, kOwnCodePrefix)) return std::nullopt;
    const auto body = base32Decode(payload.substr(kOwnCodePrefix.size()));
    if (!body || body->empty()) return std::nullopt;
    const std::size_t idLen = (*body)[0];
    if (idLen == 0 || idLen > 64 || body->size() != 1 + idLen + kCodeIdBytes + crypto_sign_BYTES)
        return std::nullopt;
    DecodedOwn d;
    d.code.eventId.assign(body->begin() + 1, body->begin() + 1 + static_cast<std::ptrdiff_t>(idLen));
    std::copy_n(body->begin() + 1 + static_cast<std::ptrdiff_t>(idLen), kCodeIdBytes, d.code.codeId.begin());
    std::copy_n(body->end() - crypto_sign_BYTES, crypto_sign_BYTES, d.sig.begin());
    return d;
}
}  // namespace

std::optional<OwnCode> decodeOwnCode(std::string_view payload) {
    auto d = decodeWithSignature(payload);
    if (!d) return std::nullopt;
    return std::move(d->code);
}

OwnCodeCheck verifyOwnCode(std::string_view payload, std::string_view eventId,
                           const unsigned char* publicKey) {
    if (sodium_init() < 0) return OwnCodeCheck::Malformed;
    const auto d = decodeWithSignature(payload);
    if (!d) return OwnCodeCheck::Malformed;
    if (d->code.eventId != eventId) return OwnCodeCheck::WrongEvent;
    const auto message = signedMessage(d->code.eventId, d->code.codeId.data());
    if (crypto_sign_verify_detached(d->sig.data(), message.data(), message.size(), publicKey) != 0)
        return OwnCodeCheck::BadSignature;
    return OwnCodeCheck::Valid;
}

}  // namespace kiosk::core
