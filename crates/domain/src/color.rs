use std::fmt;

/// The fixed palette a list or label is coloured with. The web app maps each
/// name to its light and dark shades; the database holds the name
/// (`palette_color` in the migrations, which lists the same twelve).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Color {
    #[default]
    Gray,
    Red,
    Orange,
    Yellow,
    Lime,
    Green,
    Teal,
    Cyan,
    Blue,
    Indigo,
    Violet,
    Pink,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "must be one of: gray, red, orange, yellow, lime, green, teal, cyan, blue, indigo, violet, pink"
)]
pub struct ColorError;

impl Color {
    pub const ALL: [Color; 12] = [
        Color::Gray,
        Color::Red,
        Color::Orange,
        Color::Yellow,
        Color::Lime,
        Color::Green,
        Color::Teal,
        Color::Cyan,
        Color::Blue,
        Color::Indigo,
        Color::Violet,
        Color::Pink,
    ];

    /// # Errors
    /// Fails for a name outside the palette (names are lower case).
    pub fn parse(raw: &str) -> Result<Self, ColorError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or(ColorError)
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gray => "gray",
            Self::Red => "red",
            Self::Orange => "orange",
            Self::Yellow => "yellow",
            Self::Lime => "lime",
            Self::Green => "green",
            Self::Teal => "teal",
            Self::Cyan => "cyan",
            Self::Blue => "blue",
            Self::Indigo => "indigo",
            Self::Violet => "violet",
            Self::Pink => "pink",
        }
    }
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_distinct_names_that_round_trip() {
        let names: std::collections::HashSet<_> = Color::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), 12);
        for color in Color::ALL {
            assert_eq!(Color::parse(color.as_str()), Ok(color));
        }
        assert_eq!(Color::default(), Color::Gray);
    }

    #[test]
    fn rejects_other_names_and_case() {
        assert_eq!(Color::parse("Red"), Err(ColorError));
        assert_eq!(Color::parse("grey"), Err(ColorError));
        assert_eq!(Color::parse(""), Err(ColorError));
    }
}
