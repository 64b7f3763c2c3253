/*
 * Loading the triage classifier for the server and the command line: the shipped data files
 * (data/triage/lexicon, data/triage/model, data/text/teencode.tsv under td_share_dir()) plus the
 * known-bad domains imported into the database (`tongdai blocklist import`).
 */
#ifndef TD_CORE_CLASSIFIER_H
#define TD_CORE_CLASSIFIER_H

#include <stddef.h>

#include "lib/err.h"

struct store;
struct triage;

/**
 * Build the classifier. The lexicon is required (TD_ENOTFOUND when it is missing); the model and
 * the teencode map are optional. st may be NULL (no database blocklist). *nblocked: domains
 * loaded from the database. TD_EINVAL / TD_EIO with a message in err.
 */
enum td_err core_triage_load(struct store *st, struct triage **out, size_t *nblocked, char *err,
                             size_t errlen);

#endif
