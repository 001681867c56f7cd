// Font chains found through fontconfig, metrics and coverage from HarfBuzz, per-document subsets
// from hb-subset. libharu 2.3.0 embeds whatever TrueType file it is given and re-parses it for
// every document, so handing it a subset of a few dozen glyphs is what makes badges small and fast.
#include "badge_internal.hpp"

#include <fontconfig/fontconfig.h>
#include <hb-subset.h>
#include <hb.h>

#include <algorithm>

namespace kiosk::printing::detail {

namespace {
struct BlobDel {
    void operator()(hb_blob_t* b) const { hb_blob_destroy(b); }
};
struct FaceDel {
    void operator()(hb_face_t* f) const { hb_face_destroy(f); }
};
struct FontDel {
    void operator()(hb_font_t* f) const { hb_font_destroy(f); }
};
struct InputDel {
    void operator()(hb_subset_input_t* i) const { hb_subset_input_destroy(i); }
};
struct PatternDel {
    void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};

// fontconfig is initialised once per process; FcConfig lookups are then read-only.
std::mutex& fcMutex() {
    static std::mutex m;
    return m;
}

std::string findFontFile(const std::string& family, bool bold) {
    std::lock_guard<std::mutex> lock(fcMutex());
    FcInit();
    std::unique_ptr<FcPattern, PatternDel> pat(
        FcPatternBuild(nullptr, FC_FAMILY, FcTypeString, reinterpret_cast<const FcChar8*>(family.c_str()),
                       FC_WEIGHT, FcTypeInteger, bold ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR, FC_SLANT,
                       FcTypeInteger, FC_SLANT_ROMAN, FC_FONTFORMAT, FcTypeString,
                       reinterpret_cast<const FcChar8*>("TrueType"), static_cast<char*>(nullptr)));
    if (!pat) return {};
    FcConfigSubstitute(nullptr, pat.get(), FcMatchPattern);
    FcDefaultSubstitute(pat.get());
    FcResult res = FcResultNoMatch;
    std::unique_ptr<FcPattern, PatternDel> match(FcFontMatch(nullptr, pat.get(), &res));
    if (!match) return {};
    FcChar8* fam = nullptr;
    FcChar8* file = nullptr;
    int weight = 0;
    if (FcPatternGetString(match.get(), FC_FAMILY, 0, &fam) != FcResultMatch ||
        FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch)
        return {};
    FcPatternGetInteger(match.get(), FC_WEIGHT, 0, &weight);
    // fontconfig always answers something; only an exact family (and weight) is what we asked.
    if (family != reinterpret_cast<const char*>(fam)) return {};
    if (bold != (weight >= FC_WEIGHT_DEMIBOLD)) return {};
    std::string path = reinterpret_cast<const char*>(file);
    if (path.size() < 4 || (path.substr(path.size() - 4) != ".ttf" && path.substr(path.size() - 4) != ".TTF"))
        return {};
    return path;
}
uint32_t be32(const std::string& s, size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(s[at + 3]));
}
void put32(std::string& s, uint32_t v) {
    for (int k = 3; k >= 0; --k) s.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void put16(std::string& s, uint32_t v) {
    s.push_back(static_cast<char>((v >> 8) & 0xFF));
    s.push_back(static_cast<char>(v & 0xFF));
}

// libharu 2.3.0 writes its 13 "required" tables in a fixed order ending with 'prep'; when a table
// is absent it seeks to the end of its memory stream, which fails whenever that end falls on a
// 4 KiB chunk boundary (HPDF_INVALID_OBJECT at save, for about one font in a thousand). Dropping
// hinting removes 'prep', so we give the subset a 3-byte no-op 'prep' (PUSHB 0, POP) that keeps
// the last table non-empty.
std::string withNoopPrep(const std::string& font) {
    if (font.size() < 12) return font;
    const uint32_t count = (static_cast<unsigned char>(font[4]) << 8) | static_cast<unsigned char>(font[5]);
    if (font.size() < 12 + 16 * static_cast<size_t>(count)) return font;
    struct Rec {
        uint32_t tag, sum, off, len;
    };
    std::vector<Rec> recs;
    for (uint32_t i = 0; i < count; ++i) {
        const size_t at = 12 + 16 * static_cast<size_t>(i);
        Rec r{be32(font, at), be32(font, at + 4), be32(font, at + 8), be32(font, at + 12)};
        if (r.tag == hb_tag_from_string("prep", 4)) return font;
        if (static_cast<size_t>(r.off) + r.len > font.size()) return font;
        recs.push_back(r);
    }
    const std::string prep("\xB0\x00\x21", 3);
    recs.push_back({hb_tag_from_string("prep", 4), 0, 0, 3});
    std::sort(recs.begin(), recs.end(), [](const Rec& a, const Rec& b) { return a.tag < b.tag; });
    const uint32_t n = static_cast<uint32_t>(recs.size());
    uint32_t pow2 = 1, log2 = 0;
    while (pow2 * 2 <= n) {
        pow2 *= 2;
        ++log2;
    }
    std::string out;
    out.reserve(font.size() + 32);
    out.append(font, 0, 4);
    put16(out, n);
    put16(out, pow2 * 16);
    put16(out, log2);
    put16(out, n * 16 - pow2 * 16);
    std::string body;
    const size_t dirEnd = 12 + 16 * static_cast<size_t>(n);
    for (auto& r : recs) {
        const std::string data = r.tag == hb_tag_from_string("prep", 4) ? prep : font.substr(r.off, r.len);
        const uint32_t off = static_cast<uint32_t>(dirEnd + body.size());
        body += data;
        while (body.size() % 4) body.push_back('\0');
        put32(out, r.tag);
        put32(out, r.sum);  // libharu recomputes checksums when it writes the font
        put32(out, off);
        put32(out, r.len);
    }
    return out + body;
}

}  // namespace

struct FontFace {
    std::string path;
    std::unique_ptr<hb_blob_t, BlobDel> blob;
    std::unique_ptr<hb_face_t, FaceDel> face;
    std::unique_ptr<hb_font_t, FontDel> font;
    double upem = 1000;
    double ascender = 800, descender = -200;
};

FontLibrary::~FontLibrary() = default;

core::Result<std::shared_ptr<FontLibrary>> FontLibrary::create(const std::string& primaryFamily) {
    std::shared_ptr<FontLibrary> lib(new FontLibrary());
    // Primary family first, then wide-coverage fallbacks (Latin Extended, Greek, Cyrillic in
    // both), then scripts the primaries lack, then symbols.
    const std::vector<std::string> chain = {primaryFamily,        "Noto Sans",          "DejaVu Sans",
                                            "Noto Sans Armenian", "Noto Sans Georgian", "Noto Sans Symbols",
                                            "Noto Sans Symbols2", "Noto Sans Math"};
    std::unordered_map<std::string, int> byPath;
    for (int w = 0; w < 2; ++w) {
        for (const auto& family : chain) {
            std::string path = findFontFile(family, w == 1);
            if (path.empty() && w == 1) path = findFontFile(family, false);  // no bold: regular
            if (path.empty()) continue;
            auto it = byPath.find(path);
            int index = 0;
            if (it != byPath.end()) {
                index = it->second;
            } else {
                auto f = std::make_unique<FontFace>();
                f->path = path;
                f->blob.reset(hb_blob_create_from_file_or_fail(path.c_str()));
                if (!f->blob) continue;
                f->face.reset(hb_face_create(f->blob.get(), 0));
                f->font.reset(hb_font_create(f->face.get()));
                f->upem = hb_face_get_upem(f->face.get());
                hb_font_extents_t ext{};
                if (hb_font_get_h_extents(f->font.get(), &ext)) {
                    f->ascender = ext.ascender * 1000.0 / f->upem;
                    f->descender = ext.descender * 1000.0 / f->upem;
                }
                hb_face_make_immutable(f->face.get());
                hb_font_make_immutable(f->font.get());
                index = static_cast<int>(lib->m_faces.size());
                lib->m_faces.push_back(std::move(f));
                byPath.emplace(path, index);
            }
            auto& c = lib->m_chains[w];
            if (std::find(c.begin(), c.end(), index) == c.end()) c.push_back(index);
        }
    }
    if (lib->m_chains[0].empty() || lib->m_chains[1].empty())
        return core::Error{"font.missing",
                           "no TrueType font found for '" + primaryFamily +
                               "', Noto Sans or DejaVu Sans; install fonts-noto-core and fonts-dejavu-core"};
    return lib;
}

bool FontLibrary::hasGlyph(int face, char32_t c) const {
    hb_codepoint_t g = 0;
    return hb_font_get_nominal_glyph(m_faces[face]->font.get(), c, &g) && g != 0;
}

int FontLibrary::faceFor(char32_t c, Weight w) const {
    for (int face : m_chains[w == Weight::Bold ? 1 : 0])
        if (hasGlyph(face, c)) return face;
    return -1;
}

double FontLibrary::advance(int face, char32_t c) const {
    const auto& f = *m_faces[face];
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(f.font.get(), c, &g)) return 0;
    // libharu rounds widths to whole em/1000 units; measure the way it will draw.
    return static_cast<int>(hb_font_get_glyph_h_advance(f.font.get(), g) * 1000 / f.upem);
}

double FontLibrary::ascender(int face) const {
    return m_faces[face]->ascender;
}
double FontLibrary::descender(int face) const {
    return m_faces[face]->descender;
}
const std::string& FontLibrary::path(int face) const {
    return m_faces[face]->path;
}
int FontLibrary::faceCount() const {
    return static_cast<int>(m_faces.size());
}

core::Result<std::shared_ptr<const std::string>> FontLibrary::subset(int face,
                                                                     const std::set<char32_t>& chars) {
    std::string key = std::to_string(face) + ":";
    for (char32_t c : chars) core::utf8::append(key, c);
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        auto it = m_subsets.find(key);
        if (it != m_subsets.end()) return it->second;
    }
    std::unique_ptr<hb_subset_input_t, InputDel> input(hb_subset_input_create_or_fail());
    if (!input) return core::Error{"font.subset", "out of memory creating a font subset"};
    hb_set_t* unicodes = hb_subset_input_unicode_set(input.get());
    for (char32_t c : chars) hb_set_add(unicodes, c);
    // No shaping happens in a PDF, so layout tables are dead weight; nor does hinting matter
    // for print.
    hb_set_t* drop = hb_subset_input_set(input.get(), HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (const char* tag : {"GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH", "FFTM", "gasp", "DSIG",
                            "vhea", "vmtx", "hdmx", "LTSH", "VDMX"})
        hb_set_add(drop, hb_tag_from_string(tag, 4));
    hb_subset_input_set_flags(input.get(), HB_SUBSET_FLAGS_NO_HINTING);
    std::unique_ptr<hb_face_t, FaceDel> sub(hb_subset_or_fail(m_faces[face]->face.get(), input.get()));
    if (!sub) return core::Error{"font.subset", "could not subset " + m_faces[face]->path};
    std::unique_ptr<hb_blob_t, BlobDel> blob(hb_face_reference_blob(sub.get()));
    unsigned len = 0;
    const char* data = hb_blob_get_data(blob.get(), &len);
    if (!data || len == 0) return core::Error{"font.subset", "empty subset of " + m_faces[face]->path};
    auto bytes = std::make_shared<const std::string>(withNoopPrep(std::string(data, len)));
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_subsetOrder.size() >= 256) {
        m_subsets.erase(m_subsetOrder.front());
        m_subsetOrder.erase(m_subsetOrder.begin());
    }
    if (m_subsets.emplace(key, bytes).second) m_subsetOrder.push_back(key);
    return bytes;
}

}  // namespace kiosk::printing::detail
