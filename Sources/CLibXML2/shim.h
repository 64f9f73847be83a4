#ifndef CLIBXML2_SHIM_H
#define CLIBXML2_SHIM_H
#include <libxml/xmlversion.h>
/* Debian builds libxml2 with ICU; its headers would then pull in ICU's, which clash with the
   toolchain's _FoundationICU module. Only pointers to encoding handlers are used here, so the
   ICU members of xmlCharEncodingHandler (never touched) are left out of this view. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>
#endif
