/* label_batch.c -- see label_batch.h. */
#include "label_batch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cp2k_reader.h"

extern char **environ;

const char *const LabelStateNames[] = {"missing", "written", "partial", "done", "failed"};

/* Names of the variables present at start-up with an MPI-runtime prefix:
 * those the user set (OMPI_ALLOW_RUN_AS_ROOT, OMPI_MCA_...) are passed on. */
static char kept[64][64];
static int nkept = 0;
static const char *const runtime_prefixes[] = {"OMPI_", "PMIX_", "OPAL_", "ORTE_", "PRTE_", "PMI_", "HYDRA_"};
enum { NPREFIX = sizeof runtime_prefixes / sizeof runtime_prefixes[0] };

static int runtime_name(const char *entry)
{
  for (int p = 0; p < NPREFIX; p++)
    if (!strncmp(entry, runtime_prefixes[p], strlen(runtime_prefixes[p]))) return 1;
  return 0;
}

void LabelKeepEnvironment(void)
{
  for (char **e = environ; *e && nkept < 64; e++)
    if (runtime_name(*e)) {
      size_t n = strcspn(*e, "=");
      if (n < sizeof kept[0]) snprintf(kept[nkept++], sizeof kept[0], "%.*s", (int)n, *e);
    }
}

static int was_kept(const char *entry)
{
  size_t n = strcspn(entry, "=");
  for (int k = 0; k < nkept; k++)
    if (strlen(kept[k]) == n && !strncmp(kept[k], entry, n)) return 1;
  return 0;
}

void LabelPath(const char *dir, int k, const char *suffix, char *path, size_t size)
{
  snprintf(path, size, "%s/frame_%05d.%s", dir, k, suffix);
}

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

LabelState LabelFrameState(const char *dir, int k, char *reason, size_t size)
{
  char path[4096];
  if (reason && size) reason[0] = '\0';
  LabelPath(dir, k, "out", path, sizeof path);
  if (exists(path)) return LABEL_DONE;
  LabelPath(dir, k, "failed", path, sizeof path);
  if (exists(path)) {
    FILE *fp = fopen(path, "r");
    if (fp && reason && size && fgets(reason, (int)size, fp)) reason[strcspn(reason, "\n")] = '\0';
    if (fp) fclose(fp);
    return LABEL_FAILED;
  }
  LabelPath(dir, k, "out.partial", path, sizeof path);
  if (exists(path)) return LABEL_PARTIAL;
  LabelPath(dir, k, "inp", path, sizeof path);
  return exists(path) ? LABEL_WRITTEN : LABEL_MISSING;
}

static UfpErrorCode write_failure(const char *dir, int k, const char *reason)
{
  char path[4096], partial[4096], kept_out[4096];
  LabelPath(dir, k, "out.partial", partial, sizeof partial);
  LabelPath(dir, k, "failed.out", kept_out, sizeof kept_out);
  if (exists(partial)) UfpCheck(rename(partial, kept_out) == 0, UFP_ERR_IO, "cannot rename %s: %s", partial, strerror(errno));
  LabelPath(dir, k, "failed.partial", partial, sizeof partial);
  LabelPath(dir, k, "failed", path, sizeof path);
  FILE *fp = fopen(partial, "w");
  UfpCheck(fp, UFP_ERR_IO, "cannot write %s: %s", partial, strerror(errno));
  fprintf(fp, "%s\n", reason);
  UfpCheck(fclose(fp) == 0 && rename(partial, path) == 0, UFP_ERR_IO, "cannot write %s", path);
  return UFP_SUCCESS;
}

UfpErrorCode LabelRunFrame(const char *dir, int k, const char *command, LabelState *state)
{
  char inp[4096], out[4096], partial[4096], log[4096], name[64], line[8192];
  LabelPath(dir, k, "inp", inp, sizeof inp);
  LabelPath(dir, k, "out", out, sizeof out);
  LabelPath(dir, k, "out.partial", partial, sizeof partial);
  LabelPath(dir, k, "log", log, sizeof log);
  UfpCheck(exists(inp), UFP_ERR_INPUT, "%s: no input for frame %d (write the inputs first)", inp, k);
  remove(partial);
  snprintf(name, sizeof name, "frame_%05d", k);
  int n = snprintf(line, sizeof line, "%s -i %s.inp -o %s.out.partial", command, name, name);
  UfpCheck(n > 0 && (size_t)n < sizeof line, UFP_ERR_USAGE, "the CP2K command is too long");
  fflush(NULL);
  pid_t pid = fork();
  UfpCheck(pid >= 0, UFP_ERR_INTERNAL, "cannot start CP2K: fork failed: %s", strerror(errno));
  if (pid == 0) {
    /* Child: a clean MPI environment, the batch directory, output to the log. */
    for (int again = 1; again;) {
      again = 0;
      for (char **e = environ; *e; e++)
        if (runtime_name(*e) && !was_kept(*e)) {
          char var[256];
          snprintf(var, sizeof var, "%.*s", (int)strcspn(*e, "="), *e);
          unsetenv(var);
          again = 1;
          break;
        }
    }
    int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (chdir(dir) != 0 || fd < 0) _exit(127);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    execl("/bin/sh", "sh", "-c", line, (char *)NULL);
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    UfpCheck(errno == EINTR, UFP_ERR_INTERNAL, "waiting for CP2K failed: %s", strerror(errno));
  char reason[1024];
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    snprintf(reason, sizeof reason, "CP2K %s %d (command: %.300s; see %.300s)",
             WIFEXITED(status) ? "exited with status" : "was killed by signal",
             WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), line, log);
    UfpCall(write_failure(dir, k, reason));
    *state = LABEL_FAILED;
    return UFP_SUCCESS;
  }
  UfpStructure *s = NULL;
  UfpErrorCode ierr = exists(partial) ? EfgCp2kRead(partial, inp, &s) : UfpError(UFP_ERR_INPUT, "no output %s", partial);
  UfpStructureDestroy(&s);
  if (ierr) {
    snprintf(reason, sizeof reason, "%s", UfpErrorMessage());
    UfpErrorClear();
    UfpCall(write_failure(dir, k, reason));
    *state = LABEL_FAILED;
    return UFP_SUCCESS;
  }
  UfpCheck(rename(partial, out) == 0, UFP_ERR_IO, "cannot rename %s to %s: %s", partial, out, strerror(errno));
  *state = LABEL_DONE;
  return UFP_SUCCESS;
}

UfpErrorCode LabelReadFrame(const char *dir, int k, UfpStructure **s)
{
  char inp[4096], out[4096];
  LabelPath(dir, k, "inp", inp, sizeof inp);
  LabelPath(dir, k, "out", out, sizeof out);
  UfpCall(EfgCp2kRead(out, inp, s));
  long index = k;
  UfpCall(UfpStructureSetInfoInt(*s, "label_frame", 'I', 1, &index));
  return UFP_SUCCESS;
}
