"""The resolved config that convoy writes (config.yaml, and the `config` attribute of every file)."""

from .errors import ConvoyError


def parse_config(text, subject="config"):
    """The YAML text as a dict. Needs PyYAML (Debian: python3-yaml)."""
    try:
        import yaml
    except ImportError:
        raise ConvoyError(subject, "reading the config needs PyYAML (apt install python3-yaml)") from None
    try:
        parsed = yaml.safe_load(text) if text else {}
    except yaml.YAMLError as error:
        raise ConvoyError(subject, f"the config is not valid YAML: {error}") from None
    if not isinstance(parsed, dict):
        raise ConvoyError(subject, "the config is not a mapping of keys")
    return parsed
