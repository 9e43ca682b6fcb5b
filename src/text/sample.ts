// A few kilobytes of English prose written for nabla's tests (part of the project, under its MIT
// licence): quick to tokenize and train on. Not a corpus; the default corpus is in corpus.ts.

/** About 3 KB of plain English, ASCII apart from a few curly quotes and dashes. */
export const SAMPLE_TEXT = `The Lighthouse Keeper's Notebook

On the first morning of the season the keeper climbed the hundred and twelve steps of the tower,
counted them as he always did, and wrote the number in his notebook. It had not changed in forty
years, but he liked to be sure. The lamp was cold, the glass was salted from the winter storms, and
a gull had left a feather on the rail. He cleaned the glass, trimmed the wick, and sat down to watch
the sea.

The sea was grey and quiet. Far out, a fishing boat moved slowly to the north, its engine too
distant to hear. The keeper wrote: “Wind from the west, light. Swell low. One boat, heading north.”
He underlined the word north, for no reason he could name, and then he laughed at himself.

In the afternoon the postwoman came along the causeway on her bicycle. She brought two letters, a
newspaper three days old, and a parcel of seeds from his sister, who believed that every man who
lived alone should grow tomatoes. “They won't ripen here,” he told the postwoman. “Too much wind.”
She said that his sister had written the same thing on the back of the parcel, and showed him:
“They won't ripen, but plant them anyway.”

So he planted them. He found an old crate in the storeroom, filled it with soil from behind the
cottage, and set it against the south wall where the sun lingered longest. Every evening, before he
lit the lamp, he watered the seeds and wrote their progress in the notebook, under the weather and
above the ships. Day nine: nothing. Day twelve: two green threads. Day twenty: eleven plants, the
tallest as high as his thumb.

The summer was kind. The storms stayed away, the ships passed safely, and the tomatoes grew tall and
untidy, leaning on sticks he had tied together with fishing line. In August the first fruit turned
from green to orange to red. He picked it, sliced it on the kitchen table, and ate it with bread and
salt. It was small and sour and the best thing he had tasted in years.

He wrote to his sister that evening. “You were right,” he began, and then stopped, because she was
always right and would be unbearable about it. He crossed it out and wrote instead: “The wind was
from the south today — warm, steady, good for growing things. Seven ships. One tomato.” Then he
climbed the hundred and twelve steps, counted them, and lit the lamp.

Numbers he kept that year: 112 steps, 11 plants, 7 ships on the best day, 1 tomato in August and
23 more by the end of September. Words he did not keep: the ones he crossed out.
`;
